import SQLKit

/// Showings: a client's request to see a listing, both of the same workspace.
struct CreateShowings: Migration {
    let version = 13

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE showings (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                client_id TEXT NOT NULL REFERENCES clients(id),
                listing_id TEXT NOT NULL REFERENCES listings(id),
                preferred_time BIGINT,
                notes TEXT,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw("CREATE INDEX showings_workspace_created ON showings (workspace_id, created_at)").run()
    }
}
