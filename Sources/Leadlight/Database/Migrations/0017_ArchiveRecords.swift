import SQLKit

/// Leads, clients, listings and showings are archived rather than deleted: the row stays, with the time it was
/// archived, and lists leave it out unless asked. The list indexes gain `archived_at` after the workspace, so a
/// page of the records in use, and its count, are still read off the index alone.
struct ArchiveRecords: Migration {
    let version = 17

    /// (index, table, columns before `created_at, id`), as migration 15 made them, now with `archived_at`
    static let indexes = [
        ("leads_workspace_created", "leads", "workspace_id, archived_at"),
        ("leads_workspace_status", "leads", "workspace_id, archived_at, status"),
        ("clients_workspace_created", "clients", "workspace_id, archived_at"),
        ("listings_workspace_status", "listings", "workspace_id, archived_at, status"),
        ("showings_workspace_created", "showings", "workspace_id, archived_at"),
    ]

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        for table in ["leads", "clients", "listings", "showings"] {
            try await database.raw("ALTER TABLE \(unsafeRaw: table) ADD COLUMN archived_at BIGINT").run()
        }
        for (index, table, columns) in Self.indexes {
            try await database.raw("DROP INDEX \(unsafeRaw: index)").run()
            try await database.raw(
                "CREATE INDEX \(unsafeRaw: index) ON \(unsafeRaw: table) (\(unsafeRaw: columns), created_at, id)"
            )
            .run()
        }
    }
}
