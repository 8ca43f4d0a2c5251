/// Checks shared by every list endpoint's query parameters.
enum QueryRules {
    /// An unknown parameter is a 400 naming it, not a filter silently ignored.
    static func rejectUnknown(
        _ parameters: [String],
        allowed: Set<String>,
        _ errors: inout FieldErrorCollector
    ) {
        for name in parameters where !allowed.contains(name) {
            errors.add(name, "is not a filter; use \(allowed.sorted().joined(separator: ", "))")
        }
    }

    static func integer(
        _ text: String?,
        field: String,
        default value: Int,
        in range: ClosedRange<Int>,
        _ errors: inout FieldErrorCollector
    ) -> Int {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            errors.add(field, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return value
        }
        return number
    }

    /// `limit` (1–200, default 50) and `offset` (default 0), as every list takes them.
    static func page(_ limit: String?, _ offset: String?, _ errors: inout FieldErrorCollector) -> (
        limit: Int, offset: Int
    ) {
        (
            Self.integer(limit, field: "limit", default: 50, in: 1...200, &errors),
            Self.integer(offset, field: "offset", default: 0, in: 0...Int(Int32.max), &errors)
        )
    }

    /// `archived`: `false` (the default) lists the records in use, `true` the archived ones.
    static func archived(_ text: String?, _ errors: inout FieldErrorCollector) -> Bool {
        guard let text else { return false }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            errors.add("archived", "must be true or false")
            return false
        }
    }

    /// `q`: trimmed, 1 to 100 characters, no control characters; nil when not sent.
    static func search(_ text: String?, _ errors: inout FieldErrorCollector) -> SearchTerm? {
        guard let text else { return nil }
        return errors.check { SearchTerm(text: try TextRules.required(text, field: "q", maxLength: 100)) }
    }
}
