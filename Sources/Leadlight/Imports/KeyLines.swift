import Foundation
import SQLiteNIO

/// The line each key of an import was first seen on, in bounded memory. A key is kept as a 64-bit hash (two keys
/// are taken for one about once in thirty million million-row files) with its line: in memory for the first
/// 262,144 keys (about 6 MB), then in a SQLite file of its own in the temporary directory (2 MB of page cache,
/// deleted when the import ends), so a file of a million rows or ten takes the memory of one of a hundred thousand.
final class KeyLines {
    /// How many keys are kept in memory before they move to a file.
    let inMemory: Int
    private var memory: [UInt64: UInt32] = [:]
    private var spill: Spill?

    /// The keys' file once the memory's share is full, and the thread its statements run on (never one of Swift's
    /// shared executor).
    private struct Spill {
        var connection: SQLiteDirectConnection
        var thread: SQLiteThread
        var path: String
    }

    /// The keys' file, once they moved there.
    var filePath: String? { self.spill?.path }

    init(inMemory: Int = 262_144) {
        self.inMemory = inMemory
    }

    deinit {
        if let spill {
            spill.connection.close()
            spill.thread.stop()
            try? FileManager.default.removeItem(atPath: spill.path)
        }
    }

    /// For each key with its line, in order, the line the key was first seen on (this call's earlier keys
    /// included), or nil when it is new, noted with its line.
    func firstLines(_ keys: [(key: String, line: Int)]) async throws -> [Int?] {
        let hashed = keys.map { (hash: Self.hash($0.key), line: UInt32(clamping: $0.line)) }
        if self.spill == nil, self.memory.count + hashed.count > self.inMemory { try await self.spillToFile() }
        guard let spill else {
            return hashed.map { key in
                if let first = self.memory[key.hash] { return Int(first) }
                self.memory[key.hash] = key.line
                return nil
            }
        }
        return try await withTaskExecutorPreference(spill.thread) {
            try Self.firstLines(hashed, in: spill.connection)
        }
    }

    private static func firstLines(_ keys: [(hash: UInt64, line: UInt32)], in connection: SQLiteDirectConnection)
        throws -> [Int?]
    {
        try connection.run("BEGIN", []) { _ in }
        var lines: [Int?] = []
        lines.reserveCapacity(keys.count)
        for key in keys {
            let id = SQLiteData.integer(Int(Int64(bitPattern: key.hash)))
            var first: Int?
            try connection.run("SELECT line FROM keys WHERE hash = ?", [id]) { row in
                first = (try? row.decode(column: "line", as: Int.self))
            }
            if first == nil {
                try connection.run("INSERT INTO keys (hash, line) VALUES (?, ?)", [id, .integer(Int(key.line))]) { _ in
                }
            }
            lines.append(first)
        }
        try connection.run("COMMIT", []) { _ in }
        return lines
    }

    /// Moves the keys in memory to a file of their own, and frees the memory.
    private func spillToFile() async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("leadlight-import-keys-\(UUID().uuidString).sqlite").path
        let connection = try SQLiteDirectConnection.open(path: path)
        let thread = SQLiteThread(name: "import-keys")
        self.spill = Spill(connection: connection, thread: thread, path: path)
        let keys = self.memory.map { (hash: $0.key, line: $0.value) }
        self.memory = [:]
        try await withTaskExecutorPreference(thread) {
            for pragma in ["PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -2000"] {
                try connection.run(pragma, []) { _ in }
            }
            try connection.run("CREATE TABLE keys (hash INTEGER PRIMARY KEY, line INTEGER NOT NULL)", []) { _ in }
            _ = try Self.firstLines(keys, in: connection)
        }
    }

    private static func hash(_ key: String) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(key)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }
}
