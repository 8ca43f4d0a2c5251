import SQLKit

/// An API key may expire: after `expires_at` the API answers 401 for it, as for a revoked one. NULL never expires.
struct AddAPIKeyExpiry: Migration {
    let version = 20

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw("ALTER TABLE api_keys ADD COLUMN expires_at BIGINT").run()
    }
}
