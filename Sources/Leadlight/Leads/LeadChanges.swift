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
            case "id", "createdAt", "updatedAt", "archivedAt", "clientId": continue  // read-only, echoed back
            case _ where Self.fieldNames.contains(field): self.read(field, reader.string(field), &errors)
            default: reader.unknown(field, of: "a lead")
            }
        }
        for error in reader.errors { errors.add(error.field, error.message) }
        self.errors = errors
    }

    /// The fields as texts, each read exactly as the same string in an API body is (a visitor's form sends
    /// only texts; reading them here spares a trip through JSON). Names that are not a lead's field are ignored.
    init(texts: [(field: String, text: String)]) {
        var errors = FieldErrorCollector()
        for (field, text) in texts where Self.fieldNames.contains(field) {
            self.read(field, .value(text), &errors)
        }
        self.errors = errors
    }

    private static let fieldNames: Set = ["name", "email", "phone", "source", "propertyAddress", "notes", "status"]

    /// Reads one field of `fieldNames` as sent, noting what is wrong with it in `errors`.
    private mutating func read(_ field: String, _ sent: SentValue<String>, _ errors: inout FieldErrorCollector) {
        switch field {
        case "name":
            switch sent {
            case .absent: break
            case .null: errors.add("name", "must not be null")
            case .value(let text):
                self.name = errors.check { try TextRules.required(text, field: "name", maxLength: Self.maxNameLength) }
            }
        case "email": self.email = sent.map { text in errors.check { try TextRules.email(text) } }.flattened()
        case "phone": self.phone = sent.map { text in errors.check { try PhoneNumber(validating: text) } }.flattened()
        case "source": self.source = Self.text(sent, "source", Self.maxSourceLength, &errors)
        case "propertyAddress":
            self.propertyAddress = Self.text(sent, "propertyAddress", Self.maxAddressLength, &errors)
        case "notes": self.notes = Self.text(sent, "notes", Self.maxNotesLength, &errors)
        case "status":
            switch sent {
            case .absent: break
            case .null: errors.add("status", "must be one of \(LeadStatus.spellings), not null")
            case .value(let text):
                self.status = LeadStatus(rawValue: TextRules.trimmed(text).lowercased())
                if self.status == nil { errors.add("status", "must be one of \(LeadStatus.spellings)") }
            }
        default: break
        }
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
