import Foundation

/// A validated new workspace with its owner, ready to store.
package struct WorkspaceDraft: Sendable {
    package var name: String
    package var agentID: AgentID
    package var currency: CurrencyCode
    package var timeZone: String
    package var ownerEmail: String

    /// Checks every field and throws one `ValidationFailure` naming all the bad ones.
    package init(
        name: String,
        agentID: String,
        ownerEmail: String,
        currency: String? = nil,
        timeZone: String? = nil
    ) throws {
        var errors = FieldErrorCollector()
        let name = errors.check { try TextRules.required(name, field: "name", maxLength: 200) }
        let agentID = errors.check { try AgentID(validating: agentID) }
        let ownerEmail = errors.check { try TextRules.email(ownerEmail, field: "ownerEmail") }
        let currency = errors.check { try currency.map { try CurrencyCode(validating: $0) } ?? .usd }
        let timeZone = errors.check { try Self.validTimeZone(timeZone ?? "UTC") }
        try errors.throwIfAny()
        self.name = name!
        self.agentID = agentID!
        self.ownerEmail = ownerEmail!
        self.currency = currency!
        self.timeZone = timeZone!
    }

    /// An IANA time zone name such as `America/New_York`.
    static func validTimeZone(_ text: String, field: String = "timeZone") throws -> String {
        let value = TextRules.trimmed(text)
        guard !value.isEmpty, TimeZone(identifier: value) != nil else {
            throw ValidationFailure(field: field, message: "must be an IANA time zone, like America/New_York or UTC")
        }
        return value
    }
}
