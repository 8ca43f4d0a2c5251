import Mustache

/// How every template escapes `{{value}}`: as swift-mustache's own HTML content type does (`<`, `>`, `&`, `"`
/// and `'` as entities), byte by byte. Its own looks each `Character` up in a dictionary and builds every value
/// afresh, a sixth of the leads inbox's time (docs/BENCHMARKS.md); text with nothing to escape, most of it, is
/// handed back as it is. `DashboardPages` gives every template this content type; `HTML` escapes with it too.
struct HTMLEscaping: MustacheContentType {
    /// The name the templates' `{{% CONTENT_TYPE: … }}` pragma gives it.
    static let name = "LEADLIGHT_HTML"

    func escapeText(_ text: String) -> String {
        Self.escaped(text)
    }

    /// The text with `<`, `>`, `&`, `"` and `'` as entities; itself when it has none of them.
    static func escaped(_ text: String) -> String {
        var text = text
        let escaped = text.withUTF8 { bytes -> String? in
            guard bytes.contains(where: Self.isEscaped) else { return nil }
            var written: [UInt8] = []
            written.reserveCapacity(bytes.count + 16)
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "<"): written.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): written.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "&"): written.append(contentsOf: "&amp;".utf8)
                case UInt8(ascii: "\""): written.append(contentsOf: "&quot;".utf8)
                case UInt8(ascii: "'"): written.append(contentsOf: "&#39;".utf8)
                default: written.append(byte)
                }
            }
            return String(decoding: written, as: UTF8.self)
        }
        return escaped ?? text
    }

    private static func isEscaped(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
