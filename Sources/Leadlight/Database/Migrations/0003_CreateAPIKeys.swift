import SQLKit

/// API keys: only the SHA-256 of the secret and a short display prefix are kept (DESIGN.md, Auth).
struct CreateAPIKeys: Migration {
    let version = 3

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                secret_hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL,
                last_used_at BIGINT,
                revoked_at BIGINT
            )
            """
        ).run()
        try await database.raw("CREATE INDEX api_keys_workspace_id ON api_keys (workspace_id, created_at)").run()
    }
}
