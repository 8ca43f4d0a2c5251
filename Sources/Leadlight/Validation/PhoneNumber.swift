/// A phone number as a person typed it, plus its digits for matching (`(555) 123-4567` → `5551234567`).
package struct PhoneNumber: Sendable, Equatable {
    package var text: String
    package var digits: String

    static let maxLength = 50

    /// A stored number, already checked when it was written.
    init(text: String, digits: String) {
        self.text = text
        self.digits = digits
    }

    package init(validating text: String, field: String = "phone") throws {
        let value = TextRules.trimmed(text)
        guard value.count <= Self.maxLength else {
            throw ValidationFailure(field: field, message: "must be at most \(Self.maxLength) characters")
        }
        let digits = String(
            value.unicodeScalars.filter { $0.properties.numericType != nil && $0.isASCII }.map(Character.init))
        guard (4...20).contains(digits.count),
            value.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.numericType != nil || " +-().x#/".unicodeScalars.contains($0))
            })
        else {
            throw ValidationFailure(
                field: field, message: "must be a phone number, like (555) 123-4567 or +1 555 123 4567")
        }
        self.text = value
        self.digits = digits
    }
}
