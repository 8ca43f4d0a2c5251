import SQLKit

/// Lends one connection for the length of a closure: what pools do, for SQLite readers and PostgreSQL alike.
protocol ConnectionLender: Sendable {
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
}
