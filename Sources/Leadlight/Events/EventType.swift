/// The events a workspace records and webhooks deliver; raw values are the wire names (seeds/001).
package enum EventType: String, Sendable, Codable, CaseIterable {
    case leadCreated = "lead.created"
    case leadStatusChanged = "lead.status_changed"
    case clientCreated = "client.created"
    case clientStageChanged = "client.stage_changed"
    case listingCreated = "listing.created"
    case listingStatusChanged = "listing.status_changed"
    case showingRequested = "showing.requested"
    /// Sent by "send a test event" to one endpoint, whatever it subscribes to; no change records it.
    case webhookTest = "webhook.test"

    /// The events an endpoint can subscribe to: every change the outbox records.
    package static let catalogue: [EventType] = allCases.filter { $0 != .webhookTest }
}
