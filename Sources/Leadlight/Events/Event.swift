import Foundation
import SQLKit

/// A change worth telling the outside world about, recorded in the outbox with the change itself.
package struct Event: Sendable, Equatable, IdentifiedResource {
    package typealias ID = Identifier<Event>
    static let idPrefix = "evt"

    /// Unique, so receivers can de-duplicate deliveries.
    package var id: ID
    package var workspaceID: Workspace.ID
    package var type: EventType
    /// The resource's public JSON, as the API shows it.
    package var data: String
    package var occurredAt: Date
}

extension Event {
    init(row: any SQLRow) throws {
        self.init(
            id: ID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: Workspace.ID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            type: try row.decode(rawValueOf: "type", as: EventType.self),
            data: try row.decode(column: "data", as: String.self),
            occurredAt: Date(millisecondsSince1970: try row.decode(column: "occurred_at", as: Int64.self))
        )
    }
}
