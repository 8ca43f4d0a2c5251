import SQLKit
import SQLiteKit

/// A few read connections to one SQLite file. WAL lets them read while the writer writes; each is opened
/// with SQLite's full mutex, so a connection can serve several statements at once and any one will do.
struct SQLiteReaders: ConnectionLender {
    let connections: [SQLiteConnection]

    func withConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    {
        try await body(self.connections.randomElement()!.sql(queryLogLevel: .trace))
    }
}
