import Foundation

/// The text a person reads in an HTML email: tags dropped, a block or a table row a line, table cells apart
/// by a tab (so `<td>Name</td><td>Jane</td>` reads `Name⇥Jane`), entities read, scripts and styles left out.
/// Portals send lead notifications as HTML, often with no text part.
enum HTMLText {
    private static let lineTags: Set<String> = [
        "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr", "blockquote",
    ]
    private static let cellTags: Set<String> = ["td", "th"]

    static func text(_ html: String) -> String {
        var out = ""
        var index = html.startIndex
        var skippingUntil: String?
        while index < html.endIndex {
            guard html[index] == "<" else {
                let next = html[index...].firstIndex(of: "<") ?? html.endIndex
                if skippingUntil == nil { out += html[index..<next] }
                index = next
                continue
            }
            guard let close = html[index...].firstIndex(of: ">") else { break }
            let tag = html[html.index(after: index)..<close]
            index = html.index(after: close)
            let closing = tag.hasPrefix("/")
            let name = tag.drop(while: { $0 == "/" || $0 == "!" })
                .prefix(while: { $0.isLetter || $0.isNumber }).lowercased()
            if let until = skippingUntil {
                if closing && name == until { skippingUntil = nil }
                continue
            }
            if !closing && (name == "script" || name == "style" || name == "head" || name == "title") {
                if !tag.hasSuffix("/") { skippingUntil = name }
            } else if Self.lineTags.contains(name) {
                out += "\n"
            } else if Self.cellTags.contains(name) && closing {
                out += "\t"
            }
        }
        let decoded = Self.entities(out)
        return decoded.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                line.replacingOccurrences(of: "\u{A0}", with: " ")
                    .split(separator: "\t", omittingEmptySubsequences: true)
                    .map { $0.split(whereSeparator: { $0 == " " || $0 == "\r" }).joined(separator: " ") }
                    .filter { !$0.isEmpty }
                    .joined(separator: "\t")
            }
            .filter { !$0.isEmpty }
            .joined(separator: "\n")
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "ndash": "–", "mdash": "—",
        "rsquo": "’", "lsquo": "‘", "rdquo": "”", "ldquo": "“", "hellip": "…", "bull": "•", "copy": "©",
    ]

    /// `&amp;`, `&#233;` and `&#xE9;`; an unknown or unterminated one stays as written.
    static func entities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.prefix(10).firstIndex(of: ";") {
                let name = after[..<semicolon]
                if let value = Self.entity(name) {
                    out += value
                    rest = after[after.index(after: semicolon)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        return out + rest
    }

    private static func entity(_ name: Substring) -> String? {
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            return UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
        if name.hasPrefix("#") {
            return UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
        return Self.named[name.lowercased()]
    }
}
