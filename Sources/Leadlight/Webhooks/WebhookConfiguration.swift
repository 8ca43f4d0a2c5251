/// How webhooks are delivered; part of `LeadlightConfiguration`, read from `LEADLIGHT_WEBHOOKS_*`.
package struct WebhookConfiguration: Sendable {
    /// Allow loopback, private and link-local targets (tests, local development).
    package var allowPrivateTargets = false
    /// Whether `leadlight serve` runs the delivery worker in the same process.
    package var runsWorkerInServer = true
    /// How long one attempt may take, connecting and reading the answer included.
    package var timeout: Duration = .seconds(10)
    /// The waits between attempts; a delivery still failing after the last one has failed for good.
    package var retrySchedule = WebhookRetrySchedule.standard
    /// An endpoint whose attempts have all failed for this long is disabled, and says so.
    package var disableAfter: Duration = .seconds(3 * 24 * 3600)
    /// How long a claim holds before another worker may take the delivery over (its worker died).
    package var claimLease: Duration? = nil
    /// Deliveries in flight at once, per worker.
    package var concurrency = 64
    /// How often a worker looks for due deliveries when nothing in its own process woke it.
    package var pollInterval: Duration = .seconds(1)

    package init() {}

    /// The lease, by default the timeout plus half a minute: long enough that a live worker never loses a claim.
    var effectiveClaimLease: Duration { self.claimLease ?? self.timeout + .seconds(30) }
}
