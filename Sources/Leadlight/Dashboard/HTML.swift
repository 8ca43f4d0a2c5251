import Mustache

/// HTML written in Swift, for the parts a page repeats hundreds of times: the inbox's rows, the board's cards.
/// swift-mustache looks every `{{name}}` up through the context stack, casting each value it meets to half a
/// dozen protocols, and that was two thirds of the board's time (docs/BENCHMARKS.md); here a row is a string
/// literal with its values interpolated.
///
/// Text interpolated into it is escaped exactly as the templates escape `{{value}}` (`HTMLEscaping`): only
/// another `HTML` goes in as it is, so nothing reaches the page unescaped by forgetting. A template places it
/// with `{{{name}}}`; placed with `{{name}}` it would be escaped again, shown as markup rather than obeyed.
struct HTML: Sendable, ExpressibleByStringInterpolation, MustacheCustomRenderable {
    private(set) var text: String

    init(stringLiteral literal: String) {
        self.text = literal
    }

    init(stringInterpolation: StringInterpolation) {
        self.text = stringInterpolation.text
    }

    /// Several in a row, as one, its size reserved first (the board is 200 KB).
    init(joining parts: some Sequence<HTML>) {
        let parts = Array(parts)
        self.text = ""
        self.text.reserveCapacity(parts.reduce(0) { $0 + $1.text.utf8.count })
        for part in parts { self.text += part.text }
    }

    var renderText: String { self.text }
    var isNull: Bool { false }

    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var text = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            self.text.reserveCapacity(literalCapacity + 24 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: String) {
            self.text += literal
        }

        /// Text, escaped.
        mutating func appendInterpolation(_ text: String) {
            self.text += HTMLEscaping.escaped(text)
        }

        /// Text, escaped; nothing for nil.
        mutating func appendInterpolation(_ text: String?) {
            if let text { self.appendInterpolation(text) }
        }

        mutating func appendInterpolation(_ number: Int) {
            self.text += String(number)
        }

        /// Markup, as it is.
        mutating func appendInterpolation(_ html: HTML) {
            self.text += html.text
        }
    }
}
