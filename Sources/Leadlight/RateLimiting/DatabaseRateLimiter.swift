import Foundation
import SQLKit
import Synchronization

/// The rate limiter shared by every process on one database: an atomic upsert counts requests, so two servers
/// behind a load balancer together allow exactly the limit.
///
/// Requests for one bucket that arrive while its upsert is in flight wait, and the next upsert counts them all
/// at once (`request_count + n`), handing each its own count in arrival order: the counts one upsert per request
/// would give, with one round trip for many. Every request is counted in the database before it is answered.
final class DatabaseRateLimiter: RateLimiter {
    let database: any SQLDatabase
    /// Per bucket, the requests waiting to be counted; a bucket is present while an upsert for it runs.
    private let waiting = Mutex<[String: [Waiter]]>([:])

    private struct Waiter {
        var windowStart: Int64
        var continuation: CheckedContinuation<Int, any Error>
    }

    init(database: any SQLDatabase) {
        self.database = database
    }

    func consume(bucket: String, limit: Int, now: Date) async throws -> RateLimitDecision {
        let start = RateLimitDecision.windowStart(for: now)
        let count = try await withCheckedThrowingContinuation { continuation in
            let counts = self.waiting.withLock { waiting in
                let waiter = Waiter(windowStart: start, continuation: continuation)
                guard waiting[bucket] == nil else {
                    waiting[bucket]!.append(waiter)
                    return false
                }
                waiting[bucket] = [waiter]
                return true
            }
            if counts { Task { await self.count(bucket) } }
        }
        return RateLimitDecision(limit: limit, count: count, windowStart: start)
    }

    /// Counts the bucket's waiting requests, a window at a time, until none wait.
    private func count(_ bucket: String) async {
        while let batch = self.nextBatch(of: bucket) {
            let start = batch[0].windowStart
            do {
                let total = try await self.add(batch.count, to: bucket, windowStart: start)
                for (offset, waiter) in batch.enumerated() {
                    waiter.continuation.resume(returning: total - batch.count + 1 + offset)
                }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
    }

    /// The waiting requests of the oldest window, taken off the queue; nil (and the bucket gone) when none wait.
    private func nextBatch(of bucket: String) -> [Waiter]? {
        self.waiting.withLock { waiting in
            guard var queue = waiting[bucket], !queue.isEmpty else {
                waiting[bucket] = nil
                return nil
            }
            let start = queue[0].windowStart
            let batch = Array(queue.prefix { $0.windowStart == start })
            queue.removeFirst(batch.count)
            // keep the bucket (empty or not) while this batch is counted, so new requests queue behind it
            waiting[bucket] = queue
            return batch
        }
    }

    /// Adds `requests` to the bucket's window and returns its new count.
    private func add(_ requests: Int, to bucket: String, windowStart start: Int64) async throws -> Int {
        let row = try await self.database.raw(
            """
            INSERT INTO rate_limit_windows (bucket, window_start, request_count)
            VALUES (\(bind: bucket), \(bind: start), \(bind: requests))
            ON CONFLICT (bucket, window_start)
            DO UPDATE SET request_count = rate_limit_windows.request_count + \(bind: requests)
            RETURNING request_count
            """
        ).first()
        let total = try row?.decode(column: "request_count", as: Int.self) ?? requests
        if total == requests {  // the first requests of a new window: the bucket's older windows are done with
            try await self.database.delete(from: "rate_limit_windows")
                .where("bucket", .equal, bucket)
                .where("window_start", .lessThan, start)
                .run()
        }
        return total
    }
}
