import Foundation

/// The rate limiter for one process: a count per bucket for the current minute.
actor InMemoryRateLimiter: RateLimiter {
    private var windowStart: Int64 = 0
    private var counts: [String: Int] = [:]

    func consume(bucket: String, limit: Int, now: Date) -> RateLimitDecision {
        let start = RateLimitDecision.windowStart(for: now)
        if start != self.windowStart {  // a new minute: every bucket starts again, and old ones are dropped
            self.windowStart = start
            self.counts.removeAll(keepingCapacity: true)
        }
        let count = self.counts[bucket, default: 0] + 1
        self.counts[bucket] = count
        return RateLimitDecision(limit: limit, count: count, windowStart: start)
    }
}
