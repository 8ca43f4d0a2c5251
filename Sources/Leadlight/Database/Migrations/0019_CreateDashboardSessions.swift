import SQLKit

/// Signed-in dashboard sessions, in the database so that every server process on one PostgreSQL knows them.
/// Only the SHA-256 of the cookie's token is kept; the CSRF token of the session's forms beside it.
struct CreateDashboardSessions: Migration {
    let version = 19

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE dashboard_sessions (
                token_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                last_seen_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw("CREATE INDEX dashboard_sessions_user ON dashboard_sessions (user_id)").run()
    }
}
