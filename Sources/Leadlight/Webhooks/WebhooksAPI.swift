import Foundation
import Hummingbird

/// Bodies for `/api/v1/webhooks`. The secret appears only in `EndpointWithSecret`, at creation and rotation.
package enum WebhooksAPI {
    package struct EndpointBody: ResponseCodable, Equatable {
        package var id: WebhookEndpoint.ID
        package var url: String
        package var events: [String]
        package var description: String?
        package var enabled: Bool
        /// Why the endpoint is off (by its owner, a 410 answer, or days of failures).
        package var disabledReason: String?
        /// Since when every attempt has failed; absent while deliveries succeed.
        package var failingSince: Date?
        package var createdAt: Date
        package var updatedAt: Date

        package init(_ endpoint: WebhookEndpoint) {
            self.id = endpoint.id
            self.url = endpoint.url
            self.events = endpoint.events.names
            self.description = endpoint.description
            self.enabled = endpoint.enabled
            self.disabledReason = endpoint.disabledReason
            self.failingSince = endpoint.failingSince
            self.createdAt = endpoint.createdAt
            self.updatedAt = endpoint.updatedAt
        }
    }

    /// An endpoint with its signing secret: shown only when created and when the secret is rotated. On the wire,
    /// the endpoint's fields and `secret` side by side.
    package struct EndpointWithSecret: ResponseCodable {
        package var endpoint: EndpointBody
        package var secret: String

        private enum CodingKeys: String, CodingKey {
            case secret
        }

        package init(_ endpoint: WebhookEndpoint) {
            self.endpoint = EndpointBody(endpoint)
            self.secret = endpoint.secret.value
        }

        package init(from decoder: any Decoder) throws {
            self.endpoint = try EndpointBody(from: decoder)
            self.secret = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .secret)
        }

        package func encode(to encoder: any Encoder) throws {
            try self.endpoint.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.secret, forKey: .secret)
        }
    }

    package struct EndpointList: ResponseCodable {
        package var webhooks: [EndpointBody]
        package var total: Int

        package init(webhooks: [EndpointBody], total: Int) {
            self.webhooks = webhooks
            self.total = total
        }
    }

    package struct Deleted: ResponseCodable {
        package var id: WebhookEndpoint.ID
        package var deleted = true

        package init(id: WebhookEndpoint.ID) {
            self.id = id
        }
    }

    package struct AttemptBody: ResponseCodable, Equatable {
        package var number: Int
        package var startedAt: Date
        package var statusCode: Int?
        package var latencyMs: Int
        package var error: String?
        package var responseExcerpt: String?
        package var nextRetryAt: Date?

        package init(_ attempt: WebhookAttempt) {
            self.number = attempt.number
            self.startedAt = attempt.startedAt
            self.statusCode = attempt.statusCode
            self.latencyMs = attempt.latencyMilliseconds
            self.error = attempt.error
            self.responseExcerpt = attempt.responseExcerpt
            self.nextRetryAt = attempt.nextRetryAt
        }
    }

    /// One line of the delivery log: an event sent to the endpoint, and every attempt at it.
    package struct DeliveryBody: ResponseCodable, Equatable {
        package var id: WebhookDelivery.ID
        package var eventId: Event.ID
        package var event: String
        package var state: WebhookDeliveryState
        package var attempts: Int
        package var lastStatusCode: Int?
        package var lastError: String?
        package var nextAttemptAt: Date?
        package var createdAt: Date
        package var completedAt: Date?
        package var attemptLog: [AttemptBody]

        package init(_ delivery: WebhookDelivery, attempts: [WebhookAttempt]) {
            self.id = delivery.id
            self.eventId = delivery.eventID
            self.event = delivery.eventType.rawValue
            self.state = delivery.state
            self.attempts = delivery.attempts
            self.lastStatusCode = delivery.lastStatusCode
            self.lastError = delivery.lastError
            self.nextAttemptAt = delivery.nextAttemptAt
            self.createdAt = delivery.createdAt
            self.completedAt = delivery.completedAt
            self.attemptLog = attempts.map(AttemptBody.init)
        }
    }

    package struct DeliveryList: ResponseCodable {
        package var deliveries: [DeliveryBody]
        package var total: Int
    }

    /// The answer to "send a test event" and to a redelivery: what was queued.
    package struct Queued: ResponseCodable {
        package var success = true
        package var eventId: Event.ID
        package var deliveryId: WebhookDelivery.ID
    }

    /// The data of a `webhook.test` event.
    struct TestEventData: Encodable {
        var webhookId: WebhookEndpoint.ID
        var message = "A test event from Leadlight. If its signature verifies, your endpoint is ready."
    }
}
