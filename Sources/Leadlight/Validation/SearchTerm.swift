import SQLKit

/// What `q` looks for in leads and clients: the text anywhere in the name or the email, letter case ignored,
/// or its digits anywhere in the phone number's digits (`555 0100` finds `(555) 010-0100`) once it has three.
struct SearchTerm: Sendable, Equatable {
    var text: String

    /// The text as a `LIKE` pattern: lower-cased, `%`, `_` and `\` escaped, between `%`s.
    var pattern: String {
        var escaped = ""
        for character in self.text.lowercased() {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%\(escaped)%"
    }

    /// The digits of the text, when there are enough of them to mean a phone number.
    var digits: String? {
        let digits = String(self.text.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
        return digits.count >= 3 ? digits : nil
    }

    /// `lower(name) LIKE … OR email LIKE … [OR phone_digits LIKE …]`, for a `WHERE` (emails are stored
    /// lower-cased). The same on SQLite and PostgreSQL.
    var condition: SQLQueryString {
        let pattern = self.pattern
        var condition: SQLQueryString =
            "(lower(name) LIKE \(bind: pattern) ESCAPE '\\' OR email LIKE \(bind: pattern) ESCAPE '\\'"
        if let digits = self.digits { condition = condition + " OR phone_digits LIKE \(bind: "%\(digits)%")" }
        return condition + ")"
    }
}
