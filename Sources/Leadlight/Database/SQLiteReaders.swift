import Logging
import NIOCore
import SQLKit
import Synchronization

/// A few read connections to one SQLite file beside the writer (WAL lets them read while it writes), each driven
/// through SQLite's C interface on a thread of its own (`SQLiteThread`), taken in turn. A read hops to its
/// reader's thread and back: two hand-offs, where SQLiteNIO's pool took three and prepared every statement afresh.
/// (Run in the asking task instead, reads were faster still under wrk, but held Swift's executor threads, one per
/// core; the test suite then timed out, though that run was also starved by its own fuzz tests: docs/DEVELOPMENT.md.)
final class SQLiteReaders: ConnectionLender {
    struct Reader: Sendable {
        let connection: SQLiteDirectConnection
        let thread: SQLiteThread

        func close() {
            self.connection.close()
            self.thread.stop()
        }
    }

    let readers: [Reader]
    private let logger: Logger
    private let eventLoop: any EventLoop
    private let turn = Atomic<Int>(0)

    init(readers: [Reader], logger: Logger, eventLoop: any EventLoop) {
        self.readers = readers
        self.logger = logger
        self.eventLoop = eventLoop
    }

    func withConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    {
        let next = self.turn.wrappingAdd(1, ordering: .relaxed).oldValue
        let reader = self.readers[Int(UInt(bitPattern: next) % UInt(self.readers.count))]
        let database = SQLiteDirectDatabase(
            connection: reader.connection, logger: self.logger, eventLoop: self.eventLoop)
        return try await withTaskExecutorPreference(reader.thread) { try await body(database) }
    }

    /// Closes every connection and ends their threads.
    func close() {
        for reader in self.readers { reader.close() }
    }
}
