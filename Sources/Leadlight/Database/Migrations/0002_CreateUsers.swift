import SQLKit

/// Dashboard logins. Emails are stored trimmed and lower-cased, unique across the server.
struct CreateUsers: Migration {
    let version = 2

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                email TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw("CREATE INDEX users_workspace_id ON users (workspace_id)").run()
    }
}
