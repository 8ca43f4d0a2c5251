import Foundation

/// One try at a delivery, as the delivery log shows it.
package struct WebhookAttempt: Sendable, Equatable {
    package var deliveryID: WebhookDelivery.ID
    /// 1 for the first attempt of the delivery.
    package var number: Int
    package var startedAt: Date
    package var latencyMilliseconds: Int
    /// The receiver's status code; nil when no answer came (refused, timed out, not allowed).
    package var statusCode: Int?
    /// What went wrong, in words; nil for a 2xx answer.
    package var error: String?
    /// The first kilobyte of the receiver's answer.
    package var responseExcerpt: String?
    /// When the delivery is tried again after this attempt; nil when it is not.
    package var nextRetryAt: Date?

    var succeeded: Bool { self.statusCode.map { (200..<300).contains($0) } ?? false }
}
