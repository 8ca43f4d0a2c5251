import Foundation

/// What one attempt sends: seeds/001's body and headers, plus an event id and the Standard Webhooks headers.
///
/// The body is `{"event", "timestamp", "agentId", "data"}` with `timestamp` the attempt's time in Unix
/// milliseconds as a string. `data` is written as JavaScript's `JSON.stringify` writes it, so a receiver that
/// signs `JSON.stringify(JSON.parse(body).data) + timestamp`, as the published snippet does, gets the bytes
/// Leadlight signed.
struct WebhookPayload: Sendable {
    var body: String
    var headers: [(name: String, value: String)]

    init(
        eventID: Event.ID, eventType: EventType, data: String, agentID: String, secret: WebhookSecret,
        deliveryID: WebhookDelivery.ID, at now: Date
    ) throws {
        let milliseconds = now.millisecondsSince1970
        let timestamp = String(milliseconds)
        let canonicalData = try JavaScriptJSON.canonical(data)
        self.body =
            #"{"event":"# + JavaScriptJSON.quoted(eventType.rawValue) + #","timestamp":""# + timestamp
            + #"","agentId":"# + JavaScriptJSON.quoted(agentID) + #","data":"# + canonicalData + "}"
        let seconds = milliseconds / 1000
        self.headers = [
            ("Content-Type", "application/json"),
            ("User-Agent", "Leadlight-Webhooks/1.0"),
            ("X-OrganicAgent-Signature", secret.organicAgentSignature(data: canonicalData, timestamp: timestamp)),
            ("X-OrganicAgent-Timestamp", timestamp),
            ("X-OrganicAgent-Event", eventType.rawValue),
            ("X-OrganicAgent-Event-Id", eventID.rawValue),
            ("X-OrganicAgent-Delivery-Id", deliveryID.rawValue),
            ("webhook-id", eventID.rawValue),
            ("webhook-timestamp", String(seconds)),
            (
                "webhook-signature",
                secret.standardSignature(id: eventID.rawValue, timestampSeconds: seconds, body: self.body)
            ),
        ]
    }
}
