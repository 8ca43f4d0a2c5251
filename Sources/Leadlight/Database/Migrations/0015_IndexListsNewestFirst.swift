import SQLKit

/// Every list is ordered newest first, `created_at` then `id` (the tie-break). With `id` in the index too, a page
/// is read straight off the index; without it SQLite sorted every row of the workspace in a temporary tree.
struct IndexListsNewestFirst: Migration {
    let version = 15

    /// (index, table, columns before `created_at, id`)
    static let indexes = [
        ("leads_workspace_created", "leads", "workspace_id"),
        ("leads_workspace_status", "leads", "workspace_id, status"),
        ("clients_workspace_created", "clients", "workspace_id"),
        ("listings_workspace_status", "listings", "workspace_id, status"),
        ("showings_workspace_created", "showings", "workspace_id"),
        ("offerings_workspace_created", "offerings", "workspace_id"),
    ]

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        for (index, table, columns) in Self.indexes {
            try await database.raw("DROP INDEX \(unsafeRaw: index)").run()
            try await database.raw(
                "CREATE INDEX \(unsafeRaw: index) ON \(unsafeRaw: table) (\(unsafeRaw: columns), created_at, id)"
            )
            .run()
        }
    }
}
