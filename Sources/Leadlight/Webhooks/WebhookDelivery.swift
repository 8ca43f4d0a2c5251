import Foundation

/// One event on its way to one endpoint: pending until an attempt succeeds (delivered) or the retries run out,
/// the receiver answers 410, or the endpoint is deleted (failed).
package struct WebhookDelivery: Sendable, Equatable, IdentifiedResource {
    package typealias ID = Identifier<WebhookDelivery>
    static let idPrefix = "dlv"

    package var id: ID
    package var workspaceID: Workspace.ID
    package var endpointID: WebhookEndpoint.ID
    package var eventID: Event.ID
    package var eventType: EventType
    package var state: WebhookDeliveryState
    package var attempts: Int
    /// When the next attempt is due; nil once the delivery is over.
    package var nextAttemptAt: Date?
    package var lastStatusCode: Int?
    package var lastError: String?
    package var createdAt: Date
    package var completedAt: Date?
}
