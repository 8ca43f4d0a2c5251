import Foundation

/// The header fields of an email or of one part of a MIME body (RFC 5322 §2.2, RFC 2045): folded lines
/// unfolded, names matched without regard to case, values as sent (`decoded(_:)` reads RFC 2047 words).
struct MIMEHeaders: Sendable, Equatable {
    private(set) var fields: [(name: String, value: String)] = []

    /// Past this many fields a header block is not an email's: it is refused, so reading stays bounded.
    static let maxFields = 1_000

    init() {}

    init(_ fields: [(name: String, value: String)]) {
        self.fields = fields
    }

    static func == (lhs: MIMEHeaders, rhs: MIMEHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// The first value of `name`.
    subscript(_ name: String) -> String? {
        self.fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The first value of `name` with its RFC 2047 encoded words (`=?UTF-8?B?…?=`) read.
    func decoded(_ name: String) -> String? {
        self[name].map(EncodedWords.decode)
    }

    /// Reads the header block at the start of `bytes`, up to the first empty line; returns the fields and where
    /// the body starts. Lines end in CRLF or LF. With `strict`, a line that is not a field (no colon, or a name
    /// with bytes a name cannot hold) throws `MIMEMalformed`; otherwise it is passed over, as mail readers do.
    static func parse(_ bytes: ArraySlice<UInt8>, strict: Bool) throws -> (MIMEHeaders, body: Int) {
        var headers = MIMEHeaders()
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let lineEnd = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            var line = bytes[index..<lineEnd]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            let next = lineEnd < bytes.endIndex ? lineEnd + 1 : lineEnd
            if line.isEmpty { return (headers, next) }
            if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                // a folded line continues the field before it
                if let last = headers.fields.indices.last {
                    headers.fields[last].value += " " + Self.text(line).trimmingCharacters(in: .whitespaces)
                } else if strict {
                    throw MIMEMalformed("a header block starts with a folded line")
                }
            } else if let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                line[..<colon].allSatisfy(Self.isNameByte)
            {
                guard headers.fields.count < Self.maxFields else { throw MIMEMalformed("too many header fields") }
                let value = Self.text(line[(colon + 1)...]).trimmingCharacters(in: .whitespaces)
                headers.fields.append((Self.text(line[..<colon]), value))
            } else if strict {
                throw MIMEMalformed("a header line is not a field")
            }
            index = next
        }
        return (headers, bytes.endIndex)
    }

    /// RFC 5322 §3.6.8: printable ASCII but the colon.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        byte > 32 && byte < 127 && byte != UInt8(ascii: ":")
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// A MIME body or header block that cannot be read; the message names what is wrong.
struct MIMEMalformed: Error, Equatable, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
