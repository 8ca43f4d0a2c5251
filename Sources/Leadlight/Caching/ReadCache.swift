import Synchronization

/// Answers read recently, kept in memory so a client asking the same thing again and again (a Zapier polling
/// trigger, a dashboard refreshing, a sync job paging through) is answered without the database.
///
/// An entry stays good while both hold:
/// - the `WriteGeneration` it watches has not advanced since it was read (for list answers: any write
///   transaction of this process; for API keys: one that changed a key), so this process's own changes show at
///   once: a client never reads its own write back stale;
/// - it is younger than `window`, the most a change made by *another* process (a second server on one
///   PostgreSQL, the CLI beside a server on one SQLite file) can take to show here.
///
/// A zero window turns the cache off. Failures and absent values are never kept.
package final class ReadCache<Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var generation: UInt64
        var readAt: ContinuousClock.Instant
    }

    let window: Duration
    private let writes: WriteGeneration
    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    package init(window: Duration, writes: WriteGeneration, capacity: Int = 4096) {
        self.window = window
        self.writes = writes
        self.capacity = capacity
    }

    /// The value for `key`: from memory while it is good, otherwise from `read`, kept for next time.
    package func value(for key: String, read: () async throws -> Value?) async throws -> Value? {
        guard self.window > .zero else { return try await read() }
        let generation = self.writes.current  // before reading: a write ending meanwhile makes the entry stale
        let now = ContinuousClock.now
        if let entry = self.entries.withLock({ $0[key] }), self.isGood(entry, generation: generation, now: now) {
            return entry.value
        }
        guard let value = try await read() else { return nil }
        self.entries.withLock { entries in
            if entries.count >= self.capacity {
                entries = entries.filter { self.isGood($0.value, generation: self.writes.current, now: now) }
                if entries.count >= self.capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = Entry(value: value, generation: generation, readAt: now)
        }
        return value
    }

    /// The value for `key`, from memory while it is good, otherwise from `read`.
    package func value(for key: String, read: () async throws -> Value) async throws -> Value {
        // `read` always gives a value, so the optional form always answers one
        try await self.value(for: key, read: { () async throws -> Value? in try await read() })!
    }

    private func isGood(_ entry: Entry, generation: UInt64, now: ContinuousClock.Instant) -> Bool {
        entry.generation == generation && now - entry.readAt < self.window
    }
}
