import PostgresKit
import PostgresNIO
import SQLKit

/// Connections from PostgresNIO's `PostgresClient` pool.
struct PostgresLender: ConnectionLender {
    let client: PostgresClient

    func withConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    {
        try await self.client.withConnection { connection in
            try await body(connection.sql(queryLogLevel: .trace))
        }
    }
}
