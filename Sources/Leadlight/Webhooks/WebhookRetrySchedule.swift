import Foundation

/// When a failed delivery is tried again: a wait per retry, each stretched or shrunk by up to `jitter` at
/// random so that receivers coming back up are not hit by every delivery at once.
///
/// The standard schedule waits 10 s, 1 min, 5 min, 30 min, 1 h, 3 h, 6 h, 12 h, 24 h and 24 h: eleven attempts
/// over about three days (70.5 hours) before a delivery fails for good.
package struct WebhookRetrySchedule: Sendable, Equatable {
    package var waits: [Duration]
    package var jitter: Double

    package init(waits: [Duration], jitter: Double = 0.2) {
        self.waits = waits
        self.jitter = jitter
    }

    package static let standard = WebhookRetrySchedule(
        waits: [10, 60, 300, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600, 24 * 3600].map { .seconds($0) }
    )

    /// Attempts in all: the first and one per wait.
    var maximumAttempts: Int { self.waits.count + 1 }

    /// The wait after attempt number `attempt` (1-based) failed, or nil when it was the last.
    func wait(afterAttempt attempt: Int) -> Duration? {
        guard attempt >= 1, attempt <= self.waits.count else { return nil }
        let base = self.waits[attempt - 1]
        return base * Double.random(in: (1 - self.jitter)...(1 + self.jitter))
    }

    /// The longest wait one step may ask for: 30 days (and a bound before the seconds become milliseconds).
    static let longestWait: Double = 30 * 86_400

    /// From `LEADLIGHT_WEBHOOKS_RETRY_SCHEDULE`: waits in seconds, separated by commas (`10,60,300`), each from 0
    /// to 30 days; nil for anything else (`1e300`, `inf` and `nan` included).
    init?(seconds text: String) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        let waits = parts.compactMap { $0 }.filter { (0...Self.longestWait).contains($0) }
        guard !parts.isEmpty, waits.count == parts.count else { return nil }
        self.init(waits: waits.map { .milliseconds(Int64(($0 * 1000).rounded())) })
    }
}
