import SQLKit

/// Imports: one row per file (or HubSpot pull) brought into a workspace, who started it and what became of it,
/// and one row per line that failed, with the line's cells as read and the reasons, for the error file; a file
/// uploaded on the dashboard, in pieces, until it is imported. A contact
/// list's rows find their lead or client by email or phone: both are indexed.
struct CreateImports: Migration {
    let version = 27

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE imports (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                origin TEXT NOT NULL,
                started_by TEXT NOT NULL,
                file_name TEXT,
                dry_run BOOLEAN NOT NULL,
                status TEXT NOT NULL,
                message TEXT,
                headers TEXT NOT NULL,
                fields TEXT NOT NULL,
                delimiter TEXT,
                upload_id TEXT,
                started_at BIGINT NOT NULL,
                finished_at BIGINT,
                bytes_read BIGINT NOT NULL,
                lines_read BIGINT NOT NULL,
                written_lines TEXT NOT NULL,
                total BIGINT NOT NULL,
                created BIGINT NOT NULL,
                updated BIGINT NOT NULL,
                unchanged BIGINT NOT NULL,
                failed BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw("CREATE INDEX imports_started ON imports (workspace_id, started_at)").run()
        try await database.raw(
            """
            CREATE TABLE import_failures (
                import_id TEXT NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                line BIGINT NOT NULL,
                cells TEXT NOT NULL,
                errors TEXT NOT NULL,
                PRIMARY KEY (import_id, line)
            )
            """
        ).run()
        // a file uploaded on the dashboard, kept between its steps (map the columns, check, import)
        let bytes = dialect == .postgres ? "BYTEA" : "BLOB"
        try await database.raw(
            """
            CREATE TABLE import_uploads (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                file_name TEXT,
                size BIGINT NOT NULL,
                uploaded_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw(
            """
            CREATE TABLE import_upload_pieces (
                upload_id TEXT NOT NULL REFERENCES import_uploads(id) ON DELETE CASCADE,
                number BIGINT NOT NULL,
                content \(unsafeRaw: bytes) NOT NULL,
                PRIMARY KEY (upload_id, number)
            )
            """
        ).run()
        try await database.raw("CREATE INDEX leads_workspace_email ON leads (workspace_id, email)").run()
        try await database.raw("CREATE INDEX leads_workspace_phone ON leads (workspace_id, phone_digits)").run()
        try await database.raw("CREATE INDEX clients_workspace_phone ON clients (workspace_id, phone_digits)").run()
    }
}
