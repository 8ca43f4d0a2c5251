import Foundation
import SQLKit

/// The rate limiter shared by every process on one database: one atomic upsert per request counts it,
/// so two servers behind a load balancer together allow exactly the limit.
struct DatabaseRateLimiter: RateLimiter {
    let database: any SQLDatabase

    func consume(bucket: String, limit: Int, now: Date) async throws -> RateLimitDecision {
        let start = RateLimitDecision.windowStart(for: now)
        let row = try await self.database.raw(
            """
            INSERT INTO rate_limit_windows (bucket, window_start, request_count) VALUES (\(bind: bucket), \(bind: start), 1)
            ON CONFLICT (bucket, window_start) DO UPDATE SET request_count = rate_limit_windows.request_count + 1
            RETURNING request_count
            """
        ).first()
        let count = try row?.decode(column: "request_count", as: Int.self) ?? 1
        if count == 1 {  // first request of a new window: the bucket's older windows are done with
            try await self.database.delete(from: "rate_limit_windows")
                .where("bucket", .equal, bucket)
                .where("window_start", .lessThan, start)
                .run()
        }
        return RateLimitDecision(limit: limit, count: count, windowStart: start)
    }
}
