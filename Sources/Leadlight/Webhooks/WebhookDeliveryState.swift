/// Where a delivery stands; raw values are the wire and stored spellings.
package enum WebhookDeliveryState: String, Sendable, Codable, CaseIterable {
    case pending
    case delivered
    case failed
}
