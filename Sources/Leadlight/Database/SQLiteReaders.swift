import Logging
import NIOCore
import SQLKit
import SQLiteNIO

/// A few read connections to one SQLite file, beside the writer (WAL lets them read while it writes). Each
/// statement runs at once in the task that asks, on the first connection no other thread is using.
struct SQLiteReaders: ConnectionLender, SQLiteStatementRunner {
    let connections: [SQLiteDirectConnection]
    let logger: Logger
    let eventLoop: any EventLoop

    func withConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    {
        try await body(SQLiteDirectDatabase(runner: self, logger: self.logger, eventLoop: self.eventLoop))
    }

    func run(_ sql: String, _ binds: [SQLiteData], onRow: (SQLiteDirectRow) -> Void) throws {
        let first = Int.random(in: 0..<self.connections.count)
        for offset in 0..<self.connections.count {
            let connection = self.connections[(first + offset) % self.connections.count]
            if try connection.runIfFree(sql, binds, onRow: onRow) { return }
        }
        try self.connections[first].run(sql, binds, onRow: onRow)
    }

    func close() {
        for connection in self.connections { connection.close() }
    }
}
