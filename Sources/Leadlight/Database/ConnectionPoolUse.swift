import SQLKit
import Synchronization

/// How many of a pool's connections are lent out, and how many callers wait for one: for `/metrics`.
package final class ConnectionPoolUse: Sendable {
    /// `sqlite-readers`, `sqlite-writer` or `postgres`.
    package let pool: String
    /// The most connections the pool lends at once.
    package let size: Int
    private let started = Atomic<Int>(0)
    private let lent = Atomic<Int>(0)

    init(pool: String, size: Int) {
        self.pool = pool
        self.size = size
    }

    /// Connections lent out now.
    package var inUse: Int { self.lent.load(ordering: .relaxed) }

    /// Callers waiting for a connection now (asked, not yet lent one).
    package var waiting: Int { max(0, self.started.load(ordering: .relaxed) - self.inUse) }

    /// Runs `lend`, which lends a connection to the body it is given, counting the wait and the use.
    func observe<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T,
        lentBy lend: (@escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    ) async throws -> T {
        self.started.add(1, ordering: .relaxed)
        defer { self.started.subtract(1, ordering: .relaxed) }
        return try await lend { connection in
            self.lent.add(1, ordering: .relaxed)
            defer { self.lent.subtract(1, ordering: .relaxed) }
            return try await body(connection)
        }
    }
}

/// A pool's connections, counted as they are lent (`ConnectionPoolUse`).
struct ObservedLender<Lender: ConnectionLender>: ConnectionLender {
    let lender: Lender
    let use: ConnectionPoolUse

    func withConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    {
        try await self.use.observe(body) { try await self.lender.withConnection($0) }
    }
}
