import Foundation

/// Counts requests per bucket (one bucket per API key) in fixed one-minute windows.
///
/// Two real implementations: in memory for a single SQLite-backed process, and in the database for
/// PostgreSQL, where every server process behind a load balancer must share one count (DESIGN.md).
protocol RateLimiter: Sendable {
    /// Counts one request in `bucket` and says whether it is within `limit` for the current window.
    func consume(bucket: String, limit: Int, now: Date) async throws -> RateLimitDecision
}
