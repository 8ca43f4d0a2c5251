import Foundation
import Logging
import NIOCore
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization
import VaporCSQLite

/// A SQLite connection driven through SQLite's own C interface (the copy SQLiteNIO builds): the writer's, and each
/// reader's.
///
/// Through SQLiteNIO every statement is a round trip: from the Swift executor to its thread pool, back through an
/// event loop and on to the executor again, three thread hand-offs, and SQLite prepares the statement afresh each
/// time. A create is three or four statements and group-committed transactions run one after another, so the
/// hand-offs were most of a write's time (docs/BENCHMARKS.md). Here a statement runs where it is asked for, with
/// its prepared form kept per SQL text. `SQLiteWriteBatcher` runs each batch on `SQLiteThread`, so SQLite's work
/// (a commit's writes, now and then a checkpoint) never holds a thread of Swift's shared executor. The readers are
/// connections of this kind too, each with its `SQLiteThread` (`SQLiteReaders`).
final class SQLiteDirectConnection: Sendable {
    /// SQLite's pointers, touched only with the mutex held. So the connection is opened `SQLITE_OPEN_NOMUTEX`:
    /// SQLite's own mutex per connection would be taken again by every call, each column read included (5% of
    /// a list request's time).
    private struct State: ~Copyable, @unchecked Sendable {
        var handle: OpaquePointer?
        /// Prepared statements by SQL text, reset after each use.
        var statements: [String: OpaquePointer] = [:]
        /// Told of the log's length after each commit (kept alive here: SQLite holds only a pointer to it).
        var walWatcher: WALWatcher?
    }

    /// The most statements kept prepared; past it they are all finalized and prepared again as used.
    static let keptStatements = 256
    /// Longer statements (a bulk upsert's many rows) are prepared for their one use and not kept: their prepare
    /// is shared by their rows anyway, and kept they would hold memory for nothing.
    static let longestKeptStatement = 4096

    private let state: Mutex<State>

    private init(handle: OpaquePointer) {
        self.state = Mutex(State(handle: handle))
    }

    /// Opens (creating, unless `readOnly`) the file and turns extended result codes on, so a unique violation
    /// names itself.
    static func open(path: String, readOnly: Bool = false) throws -> SQLiteDirectConnection {
        var handle: OpaquePointer?
        let access = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        let flags = access | SQLITE_OPEN_NOMUTEX
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
            if let handle { sqlite_nio_sqlite3_close_v2(handle) }
            throw SQLiteDirectError(code: status, message: "cannot open \(path): \(message)")
        }
        sqlite_nio_sqlite3_extended_result_codes(handle, 1)
        return SQLiteDirectConnection(handle: handle)
    }

    /// Runs `sql` with `binds`, handing each result row to `onRow`.
    func run(_ sql: String, _ binds: [SQLiteData], onRow: (SQLiteDirectRow) -> Void) throws {
        try self.state.withLock { state in
            guard let handle = state.handle else {
                throw SQLiteDirectError(code: SQLITE_MISUSE, message: "the database is closed")
            }
            let kept = sql.utf8.count <= Self.longestKeptStatement
            let statement = try kept ? Self.prepared(sql, &state, handle: handle) : Self.prepare(sql, handle, flags: 0)
            defer {
                if kept {
                    // Bindings are left in place: every use binds every parameter again, and clearing them marks a
                    // statement whose plan looked at a bound value (`LIMIT ?`) for preparing again, each time.
                    sqlite_nio_sqlite3_reset(statement)
                } else {
                    sqlite_nio_sqlite3_finalize(statement)
                }
            }
            try Self.bind(binds, to: statement, handle: handle)
            var columns: [String]?
            while true {
                let status = sqlite_nio_sqlite3_step(statement)
                if status == SQLITE_DONE { return }
                guard status == SQLITE_ROW else { throw SQLiteDirectError(code: status, handle: handle) }
                let names = columns ?? Self.columnNames(of: statement)
                columns = names
                onRow(SQLiteDirectRow(columns: names, values: Self.values(of: statement, count: names.count)))
            }
        }
    }

    /// Runs `sql`, a statement that returns no rows, once for each of `rows` (its binds), prepared once: what
    /// Python's `executemany` does. A bulk upsert's rows go in this way rather than as one statement of 1,000
    /// rows, which took longer to build and to parse than to run, and made SQLite keep a statement journal (to
    /// undo just that statement) in a temporary file. A failure stops at its row; the transaction around it is
    /// rolled back whole, as it would be for one statement.
    func run(_ sql: String, forEach rows: [[SQLiteData]]) throws {
        try self.state.withLock { state in
            guard let handle = state.handle else {
                throw SQLiteDirectError(code: SQLITE_MISUSE, message: "the database is closed")
            }
            let statement = try Self.prepared(sql, &state, handle: handle)
            defer { sqlite_nio_sqlite3_reset(statement) }
            for binds in rows {
                try Self.bind(binds, to: statement, handle: handle)
                var status = sqlite_nio_sqlite3_step(statement)
                while status == SQLITE_ROW { status = sqlite_nio_sqlite3_step(statement) }
                guard status == SQLITE_DONE else { throw SQLiteDirectError(code: status, handle: handle) }
                sqlite_nio_sqlite3_reset(statement)
            }
        }
    }

    /// Checkpoints in two steps. SQLite's own (`wal_autocheckpoint`) runs inside the commit that leaves the
    /// write-ahead log at 1,000 pages, copying them all into the file while every writer waits. Here `early`
    /// is called, off this connection, once the log holds `early` pages, so a reader copies most of it beside the
    /// writer; the writer still checkpoints at `late` pages itself, which copies only what is left, and lets the
    /// log start again from its beginning (a checkpoint beside a busy writer never catches up with it). SQLite runs
    /// one checkpoint at a time, so while the one beside the writer runs the writer's own is skipped, unless the log
    /// has reached `ceiling` pages: then the writer waits for it (a slow disk on a busy machine would otherwise let
    /// the log grow as long as the writes go on).
    func checkpoint(
        early: Int, late: Int, ceiling: Int, with checkpoint: @escaping @Sendable () async -> Void
    ) {
        self.state.withLock { state in
            guard let handle = state.handle else { return }
            let watcher = WALWatcher(early: early, late: late, ceiling: ceiling, checkpoint: checkpoint)
            state.walWatcher = watcher
            sqlite_nio_sqlite3_wal_hook(
                handle,
                { context, handle, _, frames in
                    guard let context, let handle else { return SQLITE_OK }
                    let watcher = Unmanaged<WALWatcher>.fromOpaque(context).takeUnretainedValue()
                    if frames >= watcher.late {  // as SQLite's own hook does, on this connection, in the commit
                        watcher.checkpointInTheCommit(handle, frames: frames)
                    } else {
                        watcher.logged(frames)
                    }
                    return SQLITE_OK
                }, Unmanaged.passUnretained(watcher).toOpaque())
        }
    }

    /// Finalizes every statement and closes the connection; afterwards every statement fails. Safe to call again.
    func close() {
        self.state.withLock { state in
            for statement in state.statements.values { sqlite_nio_sqlite3_finalize(statement) }
            state.statements = [:]
            if let handle = state.handle { sqlite_nio_sqlite3_close_v2(handle) }
            state.handle = nil
            state.walWatcher = nil
        }
    }

    private static func prepared(_ sql: String, _ state: inout State, handle: OpaquePointer) throws -> OpaquePointer {
        if let kept = state.statements[sql] { return kept }
        if state.statements.count >= Self.keptStatements {
            for statement in state.statements.values { sqlite_nio_sqlite3_finalize(statement) }
            state.statements = [:]
        }
        let statement = try Self.prepare(sql, handle, flags: UInt32(SQLITE_PREPARE_PERSISTENT))
        state.statements[sql] = statement
        return statement
    }

    private static func prepare(_ sql: String, _ handle: OpaquePointer, flags: UInt32) throws -> OpaquePointer {
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, flags, &statement, nil)
        guard status == SQLITE_OK, let statement else { throw SQLiteDirectError(code: status, handle: handle) }
        return statement
    }

    /// SQLite copies texts and blobs as they are bound (`SQLITE_TRANSIENT`).
    private static var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }

    /// Binds `binds` to the statement's parameters, the first to `?1`.
    private static func bind(_ binds: [SQLiteData], to statement: OpaquePointer, handle: OpaquePointer) throws {
        for (index, value) in binds.enumerated() {
            let status = Self.bind(value, at: Int32(index + 1), to: statement)
            guard status == SQLITE_OK else { throw SQLiteDirectError(code: status, handle: handle) }
        }
    }

    private static func bind(_ value: SQLiteData, at index: Int32, to statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let integer): return sqlite_nio_sqlite3_bind_int64(statement, index, Int64(integer))
        case .float(let double): return sqlite_nio_sqlite3_bind_double(statement, index, double)
        case .text(let text):
            // a null pointer would bind NULL, so an empty text is bound from a literal
            guard !text.isEmpty else { return sqlite_nio_sqlite3_bind_text(statement, index, "", 0, Self.transient) }
            var text = text
            return text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    sqlite_nio_sqlite3_bind_text(
                        statement, index, chars.baseAddress, Int32(chars.count), Self.transient)
                }
            }
        case .blob(let buffer):
            guard buffer.readableBytes > 0 else { return sqlite_nio_sqlite3_bind_zeroblob(statement, index, 0) }
            return buffer.withUnsafeReadableBytes { bytes in
                sqlite_nio_sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
            }
        case .null: return sqlite_nio_sqlite3_bind_null(statement, index)
        }
    }

    private static func columnNames(of statement: OpaquePointer) -> [String] {
        (0..<sqlite_nio_sqlite3_column_count(statement)).map { column in
            sqlite_nio_sqlite3_column_name(statement, column).map { String(cString: $0) } ?? ""
        }
    }

    private static func values(of statement: OpaquePointer, count: Int) -> [SQLiteData] {
        (0..<Int32(count)).map { column in
            switch sqlite_nio_sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER: return .integer(SQLiteInt64(sqlite_nio_sqlite3_column_int64(statement, column)))
            case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
            case SQLITE_TEXT:
                let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .text("") }
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
            case SQLITE_BLOB:
                let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                guard let blob = sqlite_nio_sqlite3_column_blob(statement, column) else { return .blob(ByteBuffer()) }
                return .blob(ByteBuffer(bytes: UnsafeRawBufferPointer(start: blob, count: length)))
            default: return .null
            }
        }
    }
}

/// Starts a checkpoint beside the writer when a commit leaves the write-ahead log at `early` pages or longer,
/// unless one runs; runs the writer's own at `late` pages, waiting for the one beside it at `ceiling` pages.
final class WALWatcher: Sendable {
    let early: Int32
    let late: Int32
    let ceiling: Int32
    private let checkpoint: @Sendable () async -> Void
    private let running = Atomic<Bool>(false)

    /// How long the writer waits at the ceiling for a checkpoint beside it; past that (a checkpoint held by another
    /// process, say) it goes on writing rather than stop.
    private static let longestWait: Duration = .seconds(10)

    init(early: Int, late: Int, ceiling: Int, checkpoint: @escaping @Sendable () async -> Void) {
        self.early = Int32(clamping: early)
        self.late = Int32(clamping: late)
        self.ceiling = Int32(clamping: max(ceiling, late))
        self.checkpoint = checkpoint
    }

    /// The writer's checkpoint, on the writer's own thread inside the commit that left `frames` pages in the log.
    /// `SQLITE_BUSY` means another checkpoint holds SQLite's checkpoint lock (SQLite does not wait for it, busy
    /// handler or not); at the ceiling the writer tries again every millisecond until it gets the lock.
    func checkpointInTheCommit(_ handle: OpaquePointer, frames: Int32) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: Self.longestWait)
        while sqlite_nio_sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_BUSY,
            frames >= self.ceiling, clock.now < deadline
        {
            usleep(1_000)
        }
    }

    func logged(_ frames: Int32) {
        guard frames >= self.early,
            self.running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        Task {
            await self.checkpoint()
            self.running.store(false, ordering: .releasing)
        }
    }
}

/// A failure SQLite reported for a statement: its extended result code and message.
struct SQLiteDirectError: Error, CustomStringConvertible {
    var code: Int32
    var message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(code: Int32, handle: OpaquePointer) {
        self.code = sqlite_nio_sqlite3_extended_errcode(handle)
        self.message = String(cString: sqlite_nio_sqlite3_errmsg(handle))
    }

    /// A UNIQUE or PRIMARY KEY constraint failed (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_CONSTRAINT_PRIMARYKEY`: macros
    /// Swift does not import).
    var isUniqueViolation: Bool { self.code == SQLITE_CONSTRAINT | 8 << 8 || self.code == SQLITE_CONSTRAINT | 6 << 8 }

    /// The file could not be written: the disk is full (or the file is at its size limit), the file or its
    /// directory is read-only, or the disk failed (`SQLITE_FULL`, `SQLITE_READONLY`, `SQLITE_IOERR` and their
    /// extended codes). The statement changed nothing; reads still work.
    var isStorageFailure: Bool { [SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR].contains(self.code & 0xFF) }

    var description: String { "SQLite error \(self.code): \(self.message)" }
}

/// A result row, read as SQLiteKit reads SQLiteNIO's rows.
struct SQLiteDirectRow: SQLRow {
    let columns: [String]
    let values: [SQLiteData]

    var allColumns: [String] { self.columns }

    func contains(column: String) -> Bool { self.columns.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        try self.value(column).isNull
    }

    /// Text, integers and booleans, the columns every row is made of, are read directly; anything else as
    /// SQLiteKit reads it (its generic decoder was a seventh of a list request's time).
    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        let value = try self.value(column)
        switch value {
        case .text(let text) where D.self == String.self: return text as! D
        case .integer(let number) where D.self == Int.self: return number as! D
        case .integer(let number) where D.self == Int64.self: return Int64(number) as! D
        case .integer(let number) where D.self == Bool.self: return (number != 0) as! D
        default: return try SQLiteDataDecoder().decode(D.self, from: value)
        }
    }

    private func value(_ column: String) throws -> SQLiteData {
        guard let index = self.columns.firstIndex(of: column) else {
            throw DecodingError.keyNotFound(
                SQLiteDirectColumn(column), .init(codingPath: [], debugDescription: "No column named \(column)"))
        }
        return self.values[index]
    }
}

private struct SQLiteDirectColumn: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { self.stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A connection as an `SQLDatabase`, for the stores built on it: each statement is serialized by
/// SQLKit with SQLite's dialect, its binds encoded as SQLiteKit encodes them, and run at once.
struct SQLiteDirectDatabase: SQLDatabase {
    let connection: SQLiteDirectConnection
    let logger: Logger
    let eventLoop: any EventLoop
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { .trace }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        do {
            try self.run(query, onRow)
            return self.eventLoop.makeSucceededVoidFuture()
        } catch {
            return self.eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try self.run(query, onRow)
    }

    /// `sql` once for each of `rows`, prepared once (`SQLiteDirectConnection.run(_:forEach:)`).
    func run(_ sql: String, forEach rows: [[SQLiteData]]) throws {
        try self.connection.run(sql, forEach: rows)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws {
        let (sql, binds) = self.serialize(query)
        let encoder = SQLiteDataEncoder()
        try self.connection.run(sql, try binds.map { try encoder.encode($0) }, onRow: onRow)
    }
}

/// A thread SQLite works on, the writer's or a reader's: a task executor of one thread. `SQLiteWriteBatcher` runs
/// each batch with the writer's preferred, and `SQLiteReaders` each read with its reader's, so the statements run
/// there one after another, and SQLite's work (a commit's writes, a page read, now and then a checkpoint) never
/// holds a thread of Swift's shared executor, of which there is one per core.
final class SQLiteThread: TaskExecutor, @unchecked Sendable {
    // `queue` and `stopped` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var queue: [UnownedJob] = []
    private var stopped = false

    /// `name` shows in `top -H`, `perf` and a debugger; Linux keeps its first 15 bytes.
    init(name: String) {
        let thread = Thread { [self] in
            // Named from the thread itself, through pthread: Foundation's `Thread.name` names the thread only once
            // `start()` has stored its handle, which races with the thread's start, and a thread Linux never heard
            // the name of keeps its creator's (CI once saw a test "on its own thread" report libdispatch's name).
            Self.nameCurrentThread(String(decoding: name.utf8.prefix(15), as: UTF8.self))
            self.work()
        }
        thread.start()
    }

    /// Linux's name for the calling thread is the text of `/proc/thread-self/comm` (Swift's Glibc lacks
    /// `pthread_setname_np`, a GNU extension).
    private static func nameCurrentThread(_ name: String) {
        #if os(Linux)
        try? name.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
        #else
        Thread.current.name = name
        #endif
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.condition.lock()
        guard !self.stopped else {
            // the database is closed: the job (a transaction that will fail) runs where it was enqueued
            self.condition.unlock()
            job.runSynchronously(on: self.asUnownedTaskExecutor())
            return
        }
        self.queue.append(job)
        self.condition.signal()
        self.condition.unlock()
    }

    /// Runs what is queued, then ends the thread.
    func stop() {
        self.condition.lock()
        self.stopped = true
        self.condition.signal()
        self.condition.unlock()
    }

    private func work() {
        while true {
            self.condition.lock()
            while self.queue.isEmpty && !self.stopped { self.condition.wait() }
            let jobs = self.queue
            self.queue.removeAll(keepingCapacity: true)
            let done = jobs.isEmpty && self.stopped
            self.condition.unlock()
            if done { return }
            for job in jobs { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
    }
}
