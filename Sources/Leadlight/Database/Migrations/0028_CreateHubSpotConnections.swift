import SQLKit

/// A workspace's connection to a HubSpot account: the private app's token sealed with the server's key
/// (`SecretBox`), who connected it, when it is synced next and how far the last sync got, and which process is
/// syncing it now (a claim that runs out, renewed while the sync runs), so one process at a time syncs it.
struct CreateHubSpotConnections: Migration {
    let version = 28

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE hubspot_connections (
                workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
                token_sealed TEXT NOT NULL,
                token_ending TEXT NOT NULL,
                connected_at BIGINT NOT NULL,
                connected_by TEXT NOT NULL,
                next_sync_at BIGINT,
                full_pass_asked BOOLEAN NOT NULL,
                synced_through BIGINT,
                last_full_pass_at BIGINT,
                last_sync_at BIGINT,
                last_sync_products BIGINT,
                last_import_id TEXT,
                last_error TEXT,
                sync_owner TEXT,
                sync_until BIGINT,
                sync_import_id TEXT
            )
            """
        ).run()
        try await database.raw("CREATE INDEX hubspot_connections_due ON hubspot_connections (next_sync_at)").run()
    }
}
