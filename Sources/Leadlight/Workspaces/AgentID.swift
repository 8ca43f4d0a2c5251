/// A workspace's public slug, like `sarah-johnson`: 1–63 lower-case letters, digits and inner hyphens.
package struct AgentID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    package let rawValue: String

    package init?(rawValue: String) {
        let bytes = Array(rawValue.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-"),
            bytes.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") })
        else { return nil }
        self.rawValue = rawValue
    }

    /// Validates user input, naming `field` in the error.
    package init(validating text: String, field: String = "agentId") throws {
        guard let value = AgentID(rawValue: TextRules.trimmed(text)) else {
            throw ValidationFailure(
                field: field,
                message: "must be 1-63 lower-case letters, digits or inner hyphens, like sarah-johnson"
            )
        }
        self = value
    }

    package var description: String { self.rawValue }
}
