import SQLKit

/// Workspaces: one per agent or team. Times are Unix milliseconds (BIGINT) on both databases.
struct CreateWorkspaces: Migration {
    let version = 1

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE workspaces (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                agent_id TEXT NOT NULL UNIQUE,
                currency TEXT NOT NULL,
                time_zone TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """
        ).run()
    }
}
