import Foundation

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
