import Foundation

/// A client's fields as a client application sent them, read and checked: every bad field named at once.
package struct ClientChanges: Decodable, Sendable {
    var name: String?
    var email: String?
    var phone: SentValue<PhoneNumber> = .absent
    var notes: SentValue<String> = .absent
    var buyingStage: BuyingStage?
    private var errors = FieldErrorCollector()

    package init(from decoder: any Decoder) throws {
        var reader = JSONObjectReader(decoder, describing: "a client")
        var errors = FieldErrorCollector()
        for field in reader.fields {
            switch field {
            case "id", "createdAt", "updatedAt", "archivedAt", "stageChangedAt": continue  // read-only
            case _ where Self.fieldNames.contains(field): self.read(field, reader.string(field), &errors)
            default: reader.unknown(field, of: "a client")
            }
        }
        for error in reader.errors { errors.add(error.field, error.message) }
        self.errors = errors
    }

    /// The fields as texts (a line of a contact list), each read exactly as the same string in an API body is.
    /// Names that are not a client's field are ignored.
    init(texts: [(field: String, text: String)]) {
        var errors = FieldErrorCollector()
        for (field, text) in texts where Self.fieldNames.contains(field) {
            self.read(field, .value(text), &errors)
        }
        self.errors = errors
    }

    private static let fieldNames: Set = ["name", "email", "phone", "notes", "buyingStage"]

    /// Reads one field of `fieldNames` as sent, noting what is wrong with it in `errors`.
    private mutating func read(_ field: String, _ sent: SentValue<String>, _ errors: inout FieldErrorCollector) {
        switch field {
        case "name":
            switch sent {
            case .absent: break
            case .null: errors.add("name", "must not be null")
            case .value(let text):
                self.name = errors.check {
                    try TextRules.required(text, field: "name", maxLength: LeadChanges.maxNameLength)
                }
            }
        case "email":
            switch sent {
            case .absent: break
            case .null: errors.add("email", "must not be null")
            case .value(let text): self.email = errors.check { try TextRules.email(text) }
            }
        case "phone":
            self.phone = sent.map { text in errors.check { try PhoneNumber(validating: text) } }.flattened()
        case "notes":
            self.notes = sent.map { text in
                errors.check { try TextRules.optional(text, field: "notes", maxLength: LeadChanges.maxNotesLength) }
            }.flattened()
        case "buyingStage":
            switch sent {
            case .absent: break
            case .null: errors.add("buyingStage", "must be one of \(BuyingStage.spellings), not null")
            case .value(let text):
                self.buyingStage = BuyingStage(lenient: text)
                if self.buyingStage == nil { errors.add("buyingStage", "must be one of \(BuyingStage.spellings)") }
            }
        default: break
        }
    }

    func check() throws {
        try self.errors.throwIfAny()
    }

    /// `name` and `email` are required to create a client.
    func makeClient(id: Client.ID, in workspace: Workspace.ID, at now: Date) throws -> Client {
        var errors = self.errors
        if self.name == nil, !errors.errors.contains(where: { $0.field == "name" }) {
            errors.add("name", "is required")
        }
        if self.email == nil, !errors.errors.contains(where: { $0.field == "email" }) {
            errors.add("email", "is required")
        }
        try errors.throwIfAny()
        return Client(
            id: id, workspaceID: workspace, name: self.name!, email: self.email!, phone: self.phone.value,
            notes: self.notes.value, buyingStage: self.buyingStage ?? .new, stageChangedAt: now, createdAt: now,
            updatedAt: now
        )
    }

    /// The stored client with these changes; a new buying stage moves `stageChangedAt` to `now`.
    func applied(to stored: Client, at now: Date) throws -> Client {
        try self.check()
        var client = stored
        client.name = self.name ?? stored.name
        client.email = self.email ?? stored.email
        client.phone = self.phone.applied(to: stored.phone)
        client.notes = self.notes.applied(to: stored.notes)
        if let stage = self.buyingStage, stage != stored.buyingStage {
            client.buyingStage = stage
            client.stageChangedAt = now
        }
        return client
    }
}
