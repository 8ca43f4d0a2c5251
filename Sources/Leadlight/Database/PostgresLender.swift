import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// Connections from PostgresNIO's `PostgresClient` pool.
///
/// While PostgreSQL is down the pool keeps trying to connect, and a caller would wait as long as it does. A
/// caller that has had no connection for `leaseTimeout` asks `reachability` whether PostgreSQL takes a new
/// connection: when it does not, the caller gets `DatabaseUnavailable`; when it does, the pool is only slow (a
/// busy machine, long transactions holding every connection) and the caller waits on, asking again after each
/// `leaseTimeout`. A lost connection is `DatabaseUnavailable` too.
struct PostgresLender: ConnectionLender {
    let client: PostgresClient
    let reachability: PostgresReachability
    var leaseTimeout: Duration = .seconds(5)

    init(client: PostgresClient, reachability: PostgresReachability) {
        self.client = client
        self.reachability = reachability
    }

    func withConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    {
        do {
            return try await self.leasing(body)
        } catch let error where !(error is DatabaseUnavailable) && DatabaseUnavailable.isConnectionFailure(error) {
            throw DatabaseUnavailable(cause: String(reflecting: error))
        }
    }

    /// The body on a connection, unless the pool lends none for `leaseTimeout`; once it runs, it is not cut short.
    private func leasing<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    {
        let lease = Lease()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await self.client.withConnection { connection in
                    lease.lent.store(true, ordering: .relaxed)
                    return try await body(
                        OpenConnectionDatabase(base: connection.sql(queryLogLevel: .trace), connection: connection))
                }
            }
            group.addTask {
                while true {
                    try await TimerSleep.sleep(for: self.leaseTimeout)  // mostly cancelled at once
                    if lease.lent.load(ordering: .relaxed) { return nil }
                    if await !self.reachability.reachable() { return nil }
                }
            }
            while let result = try await group.next() {
                if let value = result {
                    group.cancelAll()
                    return value
                }
                guard lease.lent.load(ordering: .relaxed) else {
                    group.cancelAll()
                    throw DatabaseUnavailable(
                        cause: "no connection for \(self.leaseTimeout), and PostgreSQL takes none")
                }
            }
            throw CancellationError()
        }
    }

    /// Whether the pool has lent this caller's connection yet.
    private final class Lease: Sendable {
        let lent = Atomic<Bool>(false)
    }
}

/// A PostgreSQL connection's statements, each refused at once when the connection has closed. PostgresNIO 1.33
/// never answers a statement sent on a connection the server has just closed (an `administrator command`, a
/// restart) between two statements of a transaction: the request would wait for ever, and hold up shutdown.
struct OpenConnectionDatabase: SQLDatabase {
    let base: any SQLDatabase
    let connection: PostgresConnection

    var logger: Logger { self.base.logger }
    var eventLoop: any EventLoop { self.base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { self.base.version }
    var dialect: any SQLDialect { self.base.dialect }
    var queryLogLevel: Logger.Level? { self.base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        guard !self.connection.isClosed else {
            return self.eventLoop.makeFailedFuture(DatabaseUnavailable(cause: "the connection was closed"))
        }
        return self.base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        guard !self.connection.isClosed else { throw DatabaseUnavailable(cause: "the connection was closed") }
        try await self.base.execute(sql: query, onRow)
    }
}
