import SQLKit

/// Leads: people who showed interest. Emails are stored trimmed and lower-cased; phones as given plus their
/// digits, for matching.
struct CreateLeads: Migration {
    let version = 9

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE leads (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                email TEXT,
                phone TEXT,
                phone_digits TEXT,
                source TEXT,
                property_address TEXT,
                notes TEXT,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw("CREATE INDEX leads_workspace_created ON leads (workspace_id, created_at)").run()
        try await database.raw("CREATE INDEX leads_workspace_status ON leads (workspace_id, status, created_at)").run()
    }
}
