import Foundation

/// A showing's fields as sent, read and checked: every bad field named at once.
package struct ShowingChanges: Decodable, Sendable {
    var clientID: Client.ID?
    var listingID: Listing.ID?
    var preferredTime: SentValue<Date> = .absent
    var notes: SentValue<String> = .absent
    var status: ShowingStatus?
    private var errors = FieldErrorCollector()

    package init(from decoder: any Decoder) throws {
        var reader = JSONObjectReader(decoder, describing: "a showing")
        var errors = FieldErrorCollector()
        for field in reader.fields {
            switch field {
            case "clientId":
                if let text = reader.string(field).value {
                    self.clientID = Client.ID(text)
                    if self.clientID == nil { errors.add("clientId", "is not the id of a client of this workspace") }
                }
            case "listingId":
                if let text = reader.string(field).value {
                    self.listingID = Listing.ID(text)
                    if self.listingID == nil { errors.add("listingId", "is not the id of a listing of this workspace") }
                }
            case "preferredTime":
                self.preferredTime = reader.string(field).map { text in
                    errors.check {
                        guard let date = LeadlightJSON.date(TextRules.trimmed(text)) else {
                            throw ValidationFailure(
                                field: "preferredTime", message: "must be an ISO 8601 time, like 2026-12-05T15:00:00Z"
                            )
                        }
                        return Date(millisecondsSince1970: date.millisecondsSince1970)
                    }
                }.flattened()
            case "notes":
                self.notes = reader.string(field).map { text in
                    errors.check { try TextRules.optional(text, field: "notes", maxLength: 5000) }
                }.flattened()
            case "status":
                switch reader.string(field) {
                case .absent: break
                case .null: errors.add("status", "must be one of \(ShowingStatus.spellings), not null")
                case .value(let text):
                    self.status = ShowingStatus(rawValue: TextRules.trimmed(text).lowercased())
                    if self.status == nil { errors.add("status", "must be one of \(ShowingStatus.spellings)") }
                }
            case "id", "createdAt", "updatedAt", "archivedAt": continue  // read-only
            default: reader.unknown(field, of: "a showing")
            }
        }
        for error in reader.errors { errors.add(error.field, error.message) }
        self.errors = errors
    }

    func check() throws {
        try self.errors.throwIfAny()
    }

    /// `clientId` and `listingId` are required; whether they exist is the caller's check.
    func makeShowing(id: Showing.ID, in workspace: Workspace.ID, at now: Date) throws -> Showing {
        var errors = self.errors
        if self.clientID == nil, !errors.errors.contains(where: { $0.field == "clientId" }) {
            errors.add("clientId", "is required: the id of a client of this workspace")
        }
        if self.listingID == nil, !errors.errors.contains(where: { $0.field == "listingId" }) {
            errors.add("listingId", "is required: the id of a listing of this workspace")
        }
        try errors.throwIfAny()
        return Showing(
            id: id, workspaceID: workspace, clientID: self.clientID!, listingID: self.listingID!,
            preferredTime: self.preferredTime.value, notes: self.notes.value, status: self.status ?? .requested,
            createdAt: now, updatedAt: now
        )
    }

    /// A showing keeps its client and listing; the other fields change as sent.
    func applied(to stored: Showing) throws -> Showing {
        var errors = self.errors
        if self.clientID != nil && self.clientID != stored.clientID { errors.add("clientId", "cannot be changed") }
        if self.listingID != nil && self.listingID != stored.listingID { errors.add("listingId", "cannot be changed") }
        try errors.throwIfAny()
        var showing = stored
        showing.preferredTime = self.preferredTime.applied(to: stored.preferredTime)
        showing.notes = self.notes.applied(to: stored.notes)
        showing.status = self.status ?? stored.status
        return showing
    }
}
