import Foundation

/// A lead's fields as a client sent them, read and checked: every bad field is named at once. Fields left
/// out keep their stored value; `null` clears an optional one.
package struct LeadChanges: Decodable, Sendable {
    var name: String?
    var email: SentValue<String> = .absent
    var phone: SentValue<PhoneNumber> = .absent
    var source: SentValue<String> = .absent
    var propertyAddress: SentValue<String> = .absent
    var notes: SentValue<String> = .absent
    var status: LeadStatus?
    private var errors = FieldErrorCollector()

    static let maxNameLength = 200
    static let maxSourceLength = 100
    static let maxAddressLength = 500
    static let maxNotesLength = 5000

    package init(from decoder: any Decoder) throws {
        var reader = JSONObjectReader(decoder, describing: "a lead")
        var errors = FieldErrorCollector()
        for field in reader.fields {
            switch field {
            case "name":
                switch reader.string(field) {
                case .absent: break
                case .null: errors.add("name", "must not be null")
                case .value(let text):
                    self.name = errors.check {
                        try TextRules.required(text, field: "name", maxLength: Self.maxNameLength)
                    }
                }
            case "email":
                self.email = reader.string(field).map { text in errors.check { try TextRules.email(text) } }.flattened()
            case "phone":
                self.phone = reader.string(field).map { text in errors.check { try PhoneNumber(validating: text) } }
                    .flattened()
            case "source": self.source = Self.text(reader.string(field), "source", Self.maxSourceLength, &errors)
            case "propertyAddress":
                self.propertyAddress = Self.text(
                    reader.string(field), "propertyAddress", Self.maxAddressLength, &errors)
            case "notes": self.notes = Self.text(reader.string(field), "notes", Self.maxNotesLength, &errors)
            case "status":
                switch reader.string(field) {
                case .absent: break
                case .null: errors.add("status", "must be one of \(LeadStatus.spellings), not null")
                case .value(let text):
                    self.status = LeadStatus(rawValue: TextRules.trimmed(text).lowercased())
                    if self.status == nil { errors.add("status", "must be one of \(LeadStatus.spellings)") }
                }
            case "id", "createdAt", "updatedAt", "archivedAt", "clientId": continue  // read-only, echoed back
            default: reader.unknown(field, of: "a lead")
            }
        }
        for error in reader.errors { errors.add(error.field, error.message) }
        self.errors = errors
    }

    /// Throws every problem found while reading, naming each field.
    func check() throws {
        try self.errors.throwIfAny()
    }

    func makeLead(id: Lead.ID, in workspace: Workspace.ID, at now: Date) throws -> Lead {
        try self.check()
        guard let name = self.name else { throw ValidationFailure(field: "name", message: "is required") }
        return Lead(
            id: id, workspaceID: workspace, name: name, email: self.email.value, phone: self.phone.value,
            source: self.source.value, propertyAddress: self.propertyAddress.value, notes: self.notes.value,
            status: self.status ?? .new, clientID: nil, createdAt: now, updatedAt: now
        )
    }

    func applied(to stored: Lead) throws -> Lead {
        try self.check()
        var lead = stored
        lead.name = self.name ?? stored.name
        lead.email = self.email.applied(to: stored.email)
        lead.phone = self.phone.applied(to: stored.phone)
        lead.source = self.source.applied(to: stored.source)
        lead.propertyAddress = self.propertyAddress.applied(to: stored.propertyAddress)
        lead.notes = self.notes.applied(to: stored.notes)
        lead.status = self.status ?? stored.status
        return lead
    }

    private static func text(
        _ sent: SentValue<String>,
        _ field: String,
        _ maxLength: Int,
        _ errors: inout FieldErrorCollector
    ) -> SentValue<String> {
        sent.map { text in errors.check { try TextRules.optional(text, field: field, maxLength: maxLength) } }
            .flattened()
    }
}
