import Foundation

/// The outcome for one request, and what the `X-RateLimit-*` headers tell the client.
struct RateLimitDecision: Sendable, Equatable {
    static let window: Int64 = 60_000

    var limit: Int
    /// Requests counted in this window, this one included.
    var count: Int
    /// Start of the window, in Unix milliseconds.
    var windowStart: Int64

    init(limit: Int, count: Int, windowStart: Int64) {
        self.limit = limit
        self.count = count
        self.windowStart = windowStart
    }

    static func windowStart(for now: Date) -> Int64 {
        let milliseconds = now.millisecondsSince1970
        return milliseconds - milliseconds % Self.window
    }

    var isAllowed: Bool { self.count <= self.limit }
    var remaining: Int { max(0, self.limit - self.count) }
    /// When the window ends, in Unix seconds (as GitHub's `X-RateLimit-Reset`).
    var resetEpochSeconds: Int64 { (self.windowStart + Self.window) / 1000 }

    /// Whole seconds until the window ends, at least 1, for `Retry-After`.
    func retryAfterSeconds(now: Date) -> Int64 {
        let remainingMilliseconds = self.windowStart + Self.window - now.millisecondsSince1970
        return max(1, (remainingMilliseconds + 999) / 1000)
    }
}
