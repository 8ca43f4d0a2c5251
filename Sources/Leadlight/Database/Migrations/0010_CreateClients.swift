import SQLKit

/// Clients: people the agent works for, moving through the buying pipeline. One client per email in a
/// workspace (a second one is a 409 naming the first).
struct CreateClients: Migration {
    let version = 10

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE clients (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                email TEXT NOT NULL,
                phone TEXT,
                phone_digits TEXT,
                notes TEXT,
                buying_stage TEXT NOT NULL,
                stage_changed_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw("CREATE UNIQUE INDEX clients_workspace_email ON clients (workspace_id, email)").run()
        try await database.raw("CREATE INDEX clients_workspace_created ON clients (workspace_id, created_at)").run()
    }
}
