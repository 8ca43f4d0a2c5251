import SQLKit

/// One step of the schema. Append-only: a shipped migration is never edited; a mistake gets a new one.
protocol Migration: Sendable {
    /// Applied in ascending order, recorded in `schema_migrations`.
    var version: Int { get }
    var name: String { get }
    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws
}

extension Migration {
    var name: String { String(describing: Self.self) }
}
