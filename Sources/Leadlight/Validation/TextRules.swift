import Foundation

/// The small rules for text fields shared by every draft: trimming, required, length, email shape.
enum TextRules {
    /// Without surrounding white space and newlines. Most text has none, and Foundation's trimming is slow
    /// on Linux (a tenth of a 1,000-row upsert), so that case returns at once; an ASCII end is told from its
    /// byte, without looking anything up (a twentieth of an unchanged upsert).
    static func trimmed(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
            Self.isWhitespace(first) || Self.isWhitespace(last)
        else { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether Foundation's trimming takes the scalar away: in ASCII, the tab to the carriage return and the
    /// space; beyond it, whatever `whitespacesAndNewlines` holds (U+200B among them, which Unicode's White_Space
    /// does not).
    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII
            ? scalar == " " || (0x09...0x0D).contains(scalar.value)
            : CharacterSet.whitespacesAndNewlines.contains(scalar)
    }

    /// Whether the text is at most `maxLength` characters: at once when it has no more bytes than that.
    static func fits(_ text: String, _ maxLength: Int) -> Bool {
        text.utf8.count <= maxLength || text.count <= maxLength
    }

    /// Trimmed text that must not be empty and must fit `maxLength` characters.
    static func required(_ text: String, field: String, maxLength: Int) throws -> String {
        // an empty text has no control character and fits any length, so it still fails as "is required"
        let value = try Self.optional(text, field: field, maxLength: maxLength)
        guard !value.isEmpty else { throw ValidationFailure(field: field, message: "is required") }
        return value
    }

    /// Trimmed optional text that must fit `maxLength` characters (it may be empty).
    static func optional(_ text: String, field: String, maxLength: Int) throws -> String {
        let value = Self.trimmed(text)
        try Self.refuseControlCharacters(in: value, field: field)
        guard Self.fits(value, maxLength) else {
            throw ValidationFailure(field: field, message: "must be at most \(maxLength) characters")
        }
        return value
    }

    /// Text may hold tabs and line breaks but no other control character (U+0000–U+001F, U+007F–U+009F): a NUL
    /// would cut the stored text short, and the others are never typed by a person. Scans the UTF-8 bytes: C0 and
    /// DEL are single bytes, C1 is 0xC2 followed by 0x80–0x9F.
    static func refuseControlCharacters(in text: String, field: String) throws {
        // a native string's bytes are read in place: a third of the time of iterating its `utf8` view
        let found =
            text.utf8.withContiguousStorageIfAvailable(Self.hasControlCharacter) ?? Self.hasControlCharacter(text.utf8)
        if found { throw ValidationFailure(field: field, message: "must not contain control characters") }
    }

    private static func hasControlCharacter(_ bytes: some Sequence<UInt8>) -> Bool {
        var afterC2 = false
        for byte in bytes {
            let control =
                (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F
                || (afterC2 && byte < 0xA0)
            if control { return true }
            afterC2 = byte == 0xC2
        }
        return false
    }

    /// An email address, trimmed and lower-cased so that matching ignores case: a local part of letters, digits
    /// and ``!#$%&'*+-/=?^_`{|}~`` in dot-separated runs (at most 64 characters), an `@`, and a domain of two or
    /// more labels of letters, digits and inner hyphens. Letters may be any script's (`josé@bücher.de`); quoted
    /// local parts and address literals, which no person types into a form, are refused.
    static func email(_ text: String, field: String = "email") throws -> String {
        let value = Self.trimmed(text).lowercased()
        guard value.count <= 254, let at = value.firstIndex(of: "@"),
            Self.isEmailLocalPart(value[..<at]), Self.isDomain(value[value.index(after: at)...])
        else {
            throw ValidationFailure(field: field, message: "must be an email address like name@example.com")
        }
        return value
    }

    private static func isEmailLocalPart(_ local: Substring) -> Bool {
        guard (1...64).contains(local.count), local.first != ".", local.last != ".", !local.contains("..") else {
            return false
        }
        return local.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                ? Self.isASCIILetterOrDigit(scalar) || "!#$%&'*+-/=?^_`{|}~.".unicodeScalars.contains(scalar)
                : Self.isWordScalar(scalar)
        }
    }

    private static func isDomain(_ domain: Substring) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.count <= 253 else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { scalar in
                    scalar.isASCII ? Self.isASCIILetterOrDigit(scalar) || scalar == "-" : Self.isWordScalar(scalar)
                }
        }
    }

    private static func isASCIILetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// A letter, digit or combining mark of any script.
    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber: return true
        default: return properties.isAlphabetic
        }
    }
}
