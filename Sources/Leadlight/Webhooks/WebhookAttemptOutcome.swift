/// A finished attempt with the endpoint it went to, for `WebhookDeliveryStore.record`.
struct WebhookAttemptOutcome: Sendable {
    var endpointID: WebhookEndpoint.ID
    var attempt: WebhookAttempt
}
