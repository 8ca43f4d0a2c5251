import Logging
import NIOCore
import SQLKit

/// An `SQLDatabase` that runs each statement on a connection borrowed for that statement alone.
/// Stores use it for reads; a multi-statement unit of work goes through `LeadlightDatabase.transaction`.
struct PooledSQLDatabase: SQLDatabase {
    let lender: any ConnectionLender
    let logger: Logger
    let eventLoop: any EventLoop
    let dialect: any SQLDialect
    var queryLogLevel: Logger.Level? { .trace }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        let promise = self.eventLoop.makePromise(of: Void.self)
        promise.completeWithTask { try await self.execute(sql: query, onRow) }
        return promise.futureResult
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await self.lender.withConnection { connection in
            try await connection.execute(sql: query, onRow)
        }
    }
}
