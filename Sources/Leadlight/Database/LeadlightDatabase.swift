import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit

/// The one database handle every store is built on, for SQLite and PostgreSQL alike.
///
/// - `sql` serves reads (and single statements) on pooled connections.
/// - `transaction { tx in … }` runs a unit of writes atomically on one connection. On SQLite all
///   transactions share one writer connection, queued in-process, and start with `BEGIN IMMEDIATE`
///   so two writers never deadlock on a lock upgrade; readers keep going in parallel thanks to WAL.
package struct LeadlightDatabase: Sendable {
    package let dialect: DatabaseDialect
    /// Where it is: the SQLite file keeps the key third-party tokens are sealed with beside it (`SecretBox`).
    package let location: DatabaseLocation
    /// For reads. Stores constructed on it must not be used for multi-statement writes.
    package let sql: any SQLDatabase
    /// What each `transaction` tells the rest of the process once it has ended: rings for webhook deliveries,
    /// write generations for cached reads.
    package let commits: CommitSignal
    /// How busy each pool of connections is, for `/metrics`.
    package let pools: [ConnectionPoolUse]
    private let backend: Backend

    private enum Backend: Sendable {
        case sqlite(
            readers: SQLiteReaders, writer: SQLiteDirectConnection, lock: AsyncLock, batcher: SQLiteWriteBatcher,
            writes: ConnectionPoolUse)
        case postgres(lender: ObservedLender<PostgresLender>, run: Task<Void, Never>)
    }

    /// Opens (and for SQLite, creates) the database. Call `close()` when done.
    package static func open(_ location: DatabaseLocation, logger: Logger) async throws -> LeadlightDatabase {
        switch location {
        case .sqlite(let path):
            return try await Self.openSQLite(path: path, logger: logger)
        case .postgres(let url):
            return try await Self.openPostgres(url: url, logger: logger)
        }
    }

    /// Opens the database, runs `body`, and closes it again however `body` ends.
    package static func withOpen<T: Sendable>(
        _ location: DatabaseLocation,
        logger: Logger,
        _ body: (LeadlightDatabase) async throws -> T
    ) async throws -> T {
        let database = try await Self.open(location, logger: logger)
        do {
            let result = try await body(database)
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }

    private static let readerCount = 4
    private static let postgresConnections = 16

    /// Set on every SQLite connection. Memory-mapped reads save a system call per page read, a measurable share of
    /// a 1,000-row upsert; only the first 16 MiB of the file are mapped, as every page read that way stays in the
    /// server's resident memory, once per connection that read it (mapping 256 MiB took the server to 320 MB
    /// through a 1,000,000-row import; 32 MiB left 22–27 MB of mapped pages and a 101 MB peak in the core
    /// benchmark, 16 MiB 11 MB and 86 MB, the upserts as fast: docs/BENCHMARKS.md).
    private static let connectionPragmas = ["PRAGMA busy_timeout = 10000", "PRAGMA mmap_size = 16777216"]

    /// A reader's: a 16 MiB page cache.
    private static let readerPragmas = Self.connectionPragmas + ["PRAGMA cache_size = -16384"]

    /// The writer's: SQLite's default page cache (2 MB), which it needs for the pages it changes; a larger one
    /// cost it a walk of the whole cache at each commit (`pcache1TruncateUnsafe`). Its temporary files in
    /// memory: a statement that writes many rows (a status change for every lead that matches, a multi-row
    /// `INSERT`) keeps a statement journal, to undo just that statement, and past 64 KiB SQLite wrote it to a
    /// temporary file, system calls that were a twelfth of a 1,000-row upsert's time when it was one statement
    /// (docs/BENCHMARKS.md). The journal holds at most the pages one statement changes, until it ends.
    private static let writerPragmas =
        Self.connectionPragmas + ["PRAGMA cache_size = -2000", "PRAGMA temp_store = MEMORY"]

    private static func openSQLite(path: String, logger: Logger) async throws -> LeadlightDatabase {
        let file = URL(fileURLWithPath: path).path
        let writer = try SQLiteDirectConnection.open(path: file)
        var readers: [SQLiteReaders.Reader] = []
        do {
            // WAL lets readers run while one writer writes; NORMAL sync is durable across process crashes in WAL.
            // busy_timeout makes another process (the CLI beside a running server) wait instead of failing.
            for pragma in [
                "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON",
            ] + Self.writerPragmas {
                try writer.run(pragma, [], onRow: { _ in })
            }
            for number in 1...Self.readerCount {
                let reader = SQLiteReaders.Reader(
                    connection: try SQLiteDirectConnection.open(path: file),
                    thread: SQLiteThread(name: "sqlite-reader-\(number)"))
                readers.append(reader)
                for pragma in Self.readerPragmas { try reader.connection.run(pragma, [], onRow: { _ in }) }
            }
            let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
            let lender = SQLiteReaders(readers: readers, logger: logger, eventLoop: eventLoop)
            let reads = ConnectionPoolUse(pool: "sqlite-readers", size: Self.readerCount)
            let writes = ConnectionPoolUse(pool: "sqlite-writer", size: 1)
            let lock = AsyncLock()
            let commits = CommitSignal()
            let sql = PooledSQLDatabase(
                lender: ObservedLender(lender: lender, use: reads), logger: logger, eventLoop: eventLoop,
                dialect: SQLiteDialect())
            // most of each checkpoint runs on a reader, beside the writer (SQLite's own threshold is 1,000 pages);
            // the log stays under about 17 MB (4,000 pages of 4 KB) however long the writes go on
            writer.checkpoint(early: 500, late: 1000, ceiling: 4000) {
                do {
                    _ = try await sql.raw("PRAGMA wal_checkpoint(PASSIVE)").all()
                } catch {
                    logger.debug("A checkpoint did not run: \(String(reflecting: error))")
                }
            }
            let batcher = SQLiteWriteBatcher(
                session: SQLiteDirectDatabase(connection: writer, logger: logger, eventLoop: eventLoop), lock: lock,
                commits: commits, thread: SQLiteThread(name: "sqlite-writer"))
            return LeadlightDatabase(
                dialect: .sqlite,
                location: .sqlite(path: path),
                sql: sql,
                commits: commits,
                pools: [reads, writes],
                backend: .sqlite(readers: lender, writer: writer, lock: lock, batcher: batcher, writes: writes)
            )
        } catch {
            for reader in readers { reader.close() }
            writer.close()
            throw error
        }
    }

    private static func openPostgres(url: String, logger: Logger) async throws -> LeadlightDatabase {
        let parsed = try SQLPostgresConfiguration(url: url).coreConfiguration
        let (host, port, tls) = (parsed.host ?? "127.0.0.1", parsed.port ?? 5432, TLSMode(url: url))
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: parsed.username, password: parsed.password, database: parsed.database,
            tls: tls.forPool
        )
        configuration.options.maximumConnections = Self.postgresConnections
        // Each time a connection goes back to PostgresNIO's pool, the pool starts a `Task.sleep` for its idle
        // timeout and one for its keep-alive, cancelled when the connection is lent again; on Linux a cancelled
        // sleep keeps its timer (about 450 bytes) until its deadline. With the defaults (60 s and 30 s) the server
        // grew by about 3.5 KB a request (16 MB in 5 s of uncached lists) until the first of them came due, a
        // minute later (docs/BENCHMARKS.md). So a connection idle for 5 s is closed, and none is kept idle longer:
        // that bounds the timers to about 12 MB at the same rate, and leaves no long-idle connection for a
        // keep-alive to check (PostgresNIO 1.33's keep-alive of a pool's minimum connections also kept a server
        // from stopping). After a quiet spell the next request opens a connection again, a few milliseconds.
        configuration.options.connectionIdleTimeout = .seconds(5)
        configuration.options.keepAliveBehavior = nil
        let reachability = PostgresReachability(
            configuration: PostgresConnection.Configuration(
                host: host, port: port, username: parsed.username, password: parsed.password,
                database: parsed.database, tls: try tls.forConnection()),
            timeout: .seconds(10), logger: logger)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        // The pool must be running before the first lease, or PostgresNIO warns on it: wait until the task
        // that runs it has started.
        let (started, running) = AsyncStream<Void>.makeStream()
        let run = Task {
            running.finish()
            await client.run()
        }
        for await _ in started {}
        let lender = ObservedLender(
            lender: PostgresLender(client: client, reachability: reachability),
            use: ConnectionPoolUse(pool: "postgres", size: Self.postgresConnections))
        return LeadlightDatabase(
            dialect: .postgres,
            location: .postgres(url: url),
            sql: PooledSQLDatabase(
                lender: lender, logger: logger, eventLoop: MultiThreadedEventLoopGroup.singleton.any(),
                dialect: PostgresDialect()
            ),
            commits: CommitSignal(),
            pools: [lender.use],
            backend: .postgres(lender: lender, run: run)
        )
    }

    /// `sslmode` (or `tlsmode`) from the URL's query, as libpq reads it: `disable`, `prefer` (the default) or
    /// `require`; `verify-ca` and `verify-full` also require TLS, with certificate checks.
    private enum TLSMode {
        case disable, prefer, require

        init(url: String) {
            let query = URLComponents(string: url)?.queryItems ?? []
            switch query.first(where: { $0.name == "sslmode" || $0.name == "tlsmode" })?.value?.lowercased() {
            case "disable", "allow": self = .disable
            case "require", "verify-ca", "verify-full": self = .require
            default: self = .prefer
            }
        }

        var forPool: PostgresClient.Configuration.TLS {
            switch self {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        }

        func forConnection() throws -> PostgresConnection.Configuration.TLS {
            switch self {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        }
    }

    /// Runs `body` in one transaction: everything it writes commits together, or nothing does.
    package func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws
        -> T
    {
        switch self.backend {
        case .sqlite(_, _, _, let batcher, let writes):
            return try await writes.observe(body) { try await batcher.transaction($0) }
        case .postgres(let lender, _):
            return try await self.commits.run {
                try await lender.withConnection { connection in
                    try await Self.run(body, on: connection, begin: "BEGIN")
                }
            }
        }
    }

    /// Runs `body`'s reads on one connection in one read-only transaction: they all see the database as it was at
    /// their first read, whatever commits meanwhile, and writers are never held up (SQLite's write-ahead log,
    /// PostgreSQL's snapshot).
    package func readSnapshot<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T)
        async throws -> T
    {
        switch self.backend {
        case .sqlite(let readers, _, _, _, _):
            return try await readers.withConnection { connection in
                try await Self.run(body, on: connection, begin: "BEGIN")
            }
        case .postgres(let lender, _):
            return try await lender.withConnection { connection in
                try await Self.run(body, on: connection, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            }
        }
    }

    /// `body` between `begin` and `COMMIT` on one session, rolled back if anything throws.
    static func run<T>(
        _ body: (any SQLDatabase) async throws -> T,
        on session: any SQLDatabase,
        begin: String
    ) async throws -> T {
        try await session.raw(SQLQueryString(begin)).run()
        do {
            let result = try await body(session)
            try await session.raw("COMMIT").run()
            return result
        } catch {
            try? await session.raw("ROLLBACK").run()
            throw error
        }
    }

    /// Runs `onNotification` for each PostgreSQL `NOTIFY` on `channel`, from any process, until the calling task is
    /// cancelled; a lost connection is opened again after a second. On SQLite there are no notifications: it
    /// returns at once.
    package func listen(on channel: String, logger: Logger, _ onNotification: @escaping @Sendable () -> Void) async {
        guard case .postgres(let lender, _) = self.backend else { return }
        while !Task.isCancelled {
            do {
                try await lender.lender.client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        for try await _ in notifications { onNotification() }
                    }
                }
            } catch  where !Task.isCancelled {
                logger.warning("Listening for \(channel) failed; trying again: \(String(reflecting: error))")
                onNotification()  // anything sent while not listening is picked up by the wake-up
                try? await Task.sleep(for: .seconds(1))
            } catch {}
        }
    }

    /// Checks that the database answers within `limit`, for `/readyz`: a probe gets its 503 before its own
    /// timeout, not a hung connection.
    package func ping(within limit: Duration = .seconds(2)) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try await self.sql.raw("SELECT 1 AS one").first()
                return true
            }
            group.addTask {
                try await TimerSleep.sleep(for: limit)
                return false
            }
            let answered = try await group.next() ?? false
            group.cancelAll()
            guard answered else { throw DatabaseUnavailable(cause: "no answer within \(limit)") }
        }
    }

    /// Closes every connection; afterwards every query fails. Safe to call more than once.
    package func close() async {
        switch self.backend {
        case .sqlite(let readers, let writer, let lock, let batcher, _):
            // Behind the write lock, so a running transaction finishes first. Closing twice is harmless.
            _ = try? await lock.withLock {
                readers.close()
                writer.close()
                batcher.thread.stop()
            }
        case .postgres(_, let run):
            run.cancel()
            await run.value
        }
    }
}
