import Foundation

/// The small rules for text fields shared by every draft: trimming, required, length, email shape.
enum TextRules {
    /// Without surrounding white space and newlines. Most text has none, and Foundation's trimming is slow
    /// on Linux (a tenth of a 1,000-row upsert), so that case returns at once.
    static func trimmed(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
        else { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Trimmed text that must not be empty and must fit `maxLength` characters.
    static func required(_ text: String, field: String, maxLength: Int) throws -> String {
        let value = Self.trimmed(text)
        guard !value.isEmpty else { throw ValidationFailure(field: field, message: "is required") }
        guard value.count <= maxLength else {
            throw ValidationFailure(field: field, message: "must be at most \(maxLength) characters")
        }
        return value
    }

    /// Trimmed optional text that must fit `maxLength` characters (it may be empty).
    static func optional(_ text: String, field: String, maxLength: Int) throws -> String {
        let value = Self.trimmed(text)
        guard value.count <= maxLength else {
            throw ValidationFailure(field: field, message: "must be at most \(maxLength) characters")
        }
        return value
    }

    /// An email address, trimmed and lower-cased so that matching ignores case.
    static func email(_ text: String, field: String = "email") throws -> String {
        let value = Self.trimmed(text).lowercased()
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard value.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains(".."),
            !value.contains(where: { $0.isWhitespace || $0.isNewline || $0 == "," || $0 == "<" || $0 == ">" })
        else {
            throw ValidationFailure(field: field, message: "must be an email address like name@example.com")
        }
        return value
    }
}
