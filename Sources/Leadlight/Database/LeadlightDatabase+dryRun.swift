import SQLKit

extension LeadlightDatabase {
    /// `body` in one transaction; in a dry run the transaction is rolled back once `body` is done, so what it
    /// returns is what a real run would have done, and nothing of it is kept.
    package func transaction<T: Sendable>(
        dryRun: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        guard dryRun else { return try await self.transaction(body) }
        do {
            _ = try await self.transaction { tx -> Int in throw RolledBack(result: try await body(tx)) }
        } catch let rolledBack as RolledBack<T> {
            return rolledBack.result
        }
        preconditionFailure("a dry run's transaction always ends by rolling back")
    }

    /// Takes a lock for the rest of the transaction, `key` among the locks of `scope` (PostgreSQL's advisory
    /// locks): two transactions asking for the same one run one after the other. SQLite has one writer, so its
    /// transactions always do.
    package static func lockForTransaction(scope: Int32, key: String, on tx: any SQLDatabase) async throws {
        guard DatabaseDialect(of: tx) == .postgres else { return }
        var hash: UInt32 = 0x811C_9DC5  // FNV-1a: the same key is the same lock in every process
        for byte in key.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        try await tx.raw(
            "SELECT pg_advisory_xact_lock(\(literal: Int(scope)), \(literal: Int(Int32(bitPattern: hash))))"
        )
        .run()
    }
}

/// Ends a dry run's transaction, carrying what it found out.
private struct RolledBack<T: Sendable>: Error {
    var result: T
}
