import Foundation

/// A due delivery a worker has claimed, with everything needed to send it.
struct ClaimedWebhookDelivery: Sendable {
    var id: WebhookDelivery.ID
    /// Attempts made before this one.
    var previousAttempts: Int
    var endpointID: WebhookEndpoint.ID
    var url: String
    var secret: WebhookSecret
    var eventID: Event.ID
    var eventType: EventType
    /// The event's data as stored (the resource's public JSON).
    var data: String
    var agentID: String
}
