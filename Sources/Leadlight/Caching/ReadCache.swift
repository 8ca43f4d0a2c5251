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
        var cost: Int
        var generation: UInt64
        var readAt: ContinuousClock.Instant
    }

    let window: Duration
    private let writes: WriteGeneration
    /// The most the kept values may cost together, by `cost`.
    private let capacity: Int
    private let cost: @Sendable (Value) -> Int
    private let entries = Mutex<(byKey: [String: Entry], cost: Int)>(([:], 0))

    /// `cost` weighs a value against `capacity` (by default each counts one).
    package init(
        window: Duration, writes: WriteGeneration, capacity: Int = 4096,
        cost: @escaping @Sendable (Value) -> Int = { _ in 1 }
    ) {
        self.window = window
        self.writes = writes
        self.capacity = capacity
        self.cost = cost
    }

    /// The value for `key`: from memory while it is good, otherwise from `read`, kept for next time.
    package func value(for key: String, read: () async throws -> Value?) async throws -> Value? {
        guard self.window > .zero else { return try await read() }
        let generation = self.writes.current  // before reading: a write ending meanwhile makes the entry stale
        let now = ContinuousClock.now
        if let entry = self.entries.withLock({ $0.byKey[key] }), self.isGood(entry, generation: generation, now: now) {
            return entry.value
        }
        guard let value = try await read() else { return nil }
        let cost = self.cost(value)
        guard cost <= self.capacity else { return value }
        self.entries.withLock { entries in
            if let replaced = entries.byKey.removeValue(forKey: key) { entries.cost -= replaced.cost }
            if entries.cost + cost > self.capacity {
                // make room: drop what is stale; if that is not enough, start afresh
                let current = self.writes.current
                entries.byKey = entries.byKey.filter { self.isGood($0.value, generation: current, now: now) }
                entries.cost = entries.byKey.values.reduce(0) { $0 + $1.cost }
                if entries.cost + cost > self.capacity { entries = ([:], 0) }
            }
            entries.byKey[key] = Entry(value: value, cost: cost, generation: generation, readAt: now)
            entries.cost += cost
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
