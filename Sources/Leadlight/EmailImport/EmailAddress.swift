import Foundation

/// A mailbox of an address header (`"Jane Buyer" <jane@example.com>`, `jane@example.com (Jane)`): the display
/// name, RFC 2047 words read, and the address, lower-cased.
struct EmailAddress: Sendable, Equatable {
    var name: String?
    var address: String

    /// The domain after the `@`.
    var domain: String { self.address.split(separator: "@").last.map(String.init) ?? "" }

    /// The first mailbox of a header value, or nil when it holds no address.
    init?(header: String) {
        let text = EncodedWords.decode(header)
        if let open = text.lastIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
            let address = text[text.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
            guard Self.looksLikeAddress(address) else { return nil }
            self.address = address.lowercased()
            let name = text[..<open].trimmingCharacters(in: CharacterSet(charactersIn: "\" \t"))
            self.name = name.isEmpty ? nil : name
            return
        }
        let first = text.split(separator: ",").first.map(String.init) ?? text
        var words = first.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let index = words.firstIndex(where: Self.looksLikeAddress) else { return nil }
        self.address = words.remove(at: index).lowercased()
        let name = words.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: "()\" "))
        self.name = name.isEmpty ? nil : name
    }

    init(name: String?, address: String) {
        self.name = name.flatMap { $0.isEmpty ? nil : $0 }
        self.address = address.lowercased()
    }

    static func looksLikeAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" })
    }
}
