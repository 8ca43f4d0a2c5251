import Foundation
import SQLKit

/// Every query on `hubspot_connections`. A sync claims its workspace with one conditional `UPDATE` (only when no
/// unexpired claim is there), so of two processes asking at once exactly one gets it, on SQLite and PostgreSQL.
struct HubSpotConnectionStore: Sendable {
    let database: any SQLDatabase

    func find(_ workspace: Workspace.ID) async throws -> HubSpotConnection? {
        try await self.database.select().column("*").from("hubspot_connections")
            .where("workspace_id", .equal, workspace.rawValue)
            .first().map(Self.connection)
    }

    /// Connects the workspace (or replaces its token), asking for a full sync now. A sync under way with the old
    /// token loses its claim and stops.
    func connect(
        _ workspace: Workspace.ID, tokenSealed: String, tokenEnding: String, by: String, at now: Date
    ) async throws {
        let at = now.millisecondsSince1970
        try await self.database.raw(
            """
            INSERT INTO hubspot_connections (workspace_id, token_sealed, token_ending, connected_at, connected_by,
                next_sync_at, full_pass_asked)
            VALUES (\(bind: workspace.rawValue), \(bind: tokenSealed), \(bind: tokenEnding), \(bind: at), \(bind: by),
                \(bind: at), TRUE)
            ON CONFLICT (workspace_id) DO UPDATE SET token_sealed = excluded.token_sealed,
                token_ending = excluded.token_ending, connected_at = excluded.connected_at,
                connected_by = excluded.connected_by, next_sync_at = excluded.next_sync_at, full_pass_asked = TRUE,
                last_error = NULL, sync_owner = NULL, sync_until = NULL, sync_import_id = NULL
            """
        ).run()
    }

    /// Forgets the token; a sync under way loses its claim and stops. Whether there was a connection.
    func disconnect(_ workspace: Workspace.ID) async throws -> Bool {
        try await !self.database.raw(
            "DELETE FROM hubspot_connections WHERE workspace_id = \(bind: workspace.rawValue) RETURNING workspace_id"
        ).all().isEmpty
    }

    /// Asks for a full sync now, unless one is under way. Whether it was asked.
    func askForSync(_ workspace: Workspace.ID, at now: Date) async throws -> Bool {
        let at = now.millisecondsSince1970
        return try await !self.database.raw(
            """
            UPDATE hubspot_connections SET next_sync_at = \(bind: at), full_pass_asked = TRUE
            WHERE workspace_id = \(bind: workspace.rawValue) AND (sync_until IS NULL OR sync_until < \(bind: at))
            RETURNING workspace_id
            """
        ).all().isEmpty
    }

    /// The workspaces whose sync is due and not under way, the longest waiting first.
    func due(at now: Date, limit: Int) async throws -> [Workspace.ID] {
        let at = now.millisecondsSince1970
        return try await self.database.raw(
            """
            SELECT workspace_id FROM hubspot_connections
            WHERE next_sync_at <= \(bind: at) AND (sync_until IS NULL OR sync_until < \(bind: at))
            ORDER BY next_sync_at LIMIT \(bind: limit)
            """
        ).all().map { Workspace.ID(rawValue: try $0.decode(column: "workspace_id", as: String.self)) }
    }

    /// Claims the workspace's sync for `owner` until `until` if it is due and no one else holds it; the
    /// connection as claimed, or nil.
    func claim(_ workspace: Workspace.ID, by owner: String, until: Date, at now: Date) async throws
        -> HubSpotConnection?
    {
        let at = now.millisecondsSince1970
        let claimed = try await self.database.raw(
            """
            UPDATE hubspot_connections SET sync_owner = \(bind: owner), sync_until = \(bind: until.millisecondsSince1970),
                sync_import_id = NULL
            WHERE workspace_id = \(bind: workspace.rawValue) AND next_sync_at <= \(bind: at)
                AND (sync_until IS NULL OR sync_until < \(bind: at))
            RETURNING workspace_id
            """
        ).all()
        return claimed.isEmpty ? nil : try await self.find(workspace)
    }

    /// Extends `owner`'s claim and names the import it is writing. False when the claim is gone (disconnected,
    /// reconnected).
    func renew(_ workspace: Workspace.ID, by owner: String, until: Date, importID: ImportRecord.ID?) async throws
        -> Bool
    {
        try await !self.database.raw(
            """
            UPDATE hubspot_connections SET sync_until = \(bind: until.millisecondsSince1970),
                sync_import_id = \(SQLBind.orNull(importID?.rawValue))
            WHERE workspace_id = \(bind: workspace.rawValue) AND sync_owner = \(bind: owner)
            RETURNING workspace_id
            """
        ).all().isEmpty
    }

    /// What a sync ended with, recorded as `owner` lets go of the claim.
    struct Ending: Sendable {
        var at: Date
        var nextSyncAt: Date?
        /// Set when the sync read to the end: where the next one starts.
        var syncedThrough: Date?
        /// Set when it was a full pass that read to the end.
        var fullPassAt: Date?
        /// How many products it read; its import is kept when any.
        var productsRead: Int
        var importID: ImportRecord.ID?
        var error: String?
    }

    func finish(_ workspace: Workspace.ID, by owner: String, _ ending: Ending) async throws {
        let fullPassDone = ending.fullPassAt != nil
        try await self.database.raw(
            """
            UPDATE hubspot_connections SET sync_owner = NULL, sync_until = NULL, sync_import_id = NULL,
                next_sync_at = \(SQLBind.orNull(ending.nextSyncAt?.millisecondsSince1970)),
                full_pass_asked = \(bind: !fullPassDone) AND full_pass_asked,
                synced_through = COALESCE(\(SQLBind.orNull(ending.syncedThrough?.millisecondsSince1970)), synced_through),
                last_full_pass_at = COALESCE(\(SQLBind.orNull(ending.fullPassAt?.millisecondsSince1970)), last_full_pass_at),
                last_sync_at = \(bind: ending.at.millisecondsSince1970),
                last_sync_products = \(bind: Int64(ending.productsRead)),
                last_import_id = COALESCE(\(SQLBind.orNull(ending.importID?.rawValue)), last_import_id),
                last_error = \(SQLBind.orNull(ending.error))
            WHERE workspace_id = \(bind: workspace.rawValue) AND sync_owner = \(bind: owner)
            """
        ).run()
    }

    /// Lets go of `owner`'s claim without recording a sync (the server is stopping): the workspace stays due.
    func release(_ workspace: Workspace.ID, by owner: String) async throws {
        try await self.database.raw(
            """
            UPDATE hubspot_connections SET sync_owner = NULL, sync_until = NULL, sync_import_id = NULL
            WHERE workspace_id = \(bind: workspace.rawValue) AND sync_owner = \(bind: owner)
            """
        ).run()
    }

    private static func connection(_ row: any SQLRow) throws -> HubSpotConnection {
        func date(_ column: String) throws -> Date? {
            try row.decodeIfPresent(column: column, as: Int64.self).map(Date.init(millisecondsSince1970:))
        }
        return HubSpotConnection(
            workspaceID: Workspace.ID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            tokenSealed: try row.decode(column: "token_sealed", as: String.self),
            tokenEnding: try row.decode(column: "token_ending", as: String.self),
            connectedAt: Date(millisecondsSince1970: try row.decode(column: "connected_at", as: Int64.self)),
            connectedBy: try row.decode(column: "connected_by", as: String.self),
            nextSyncAt: try date("next_sync_at"),
            fullPassAsked: try row.decode(column: "full_pass_asked", as: Bool.self),
            syncedThrough: try date("synced_through"),
            lastFullPassAt: try date("last_full_pass_at"),
            lastSyncAt: try date("last_sync_at"),
            lastSyncProducts: try row.decodeIfPresent(column: "last_sync_products", as: Int.self) ?? 0,
            lastImportID: try row.decodeIfPresent(column: "last_import_id", as: String.self).map {
                ImportRecord.ID(rawValue: $0)
            },
            lastError: try row.decodeIfPresent(column: "last_error", as: String.self),
            syncOwner: try row.decodeIfPresent(column: "sync_owner", as: String.self),
            syncUntil: try date("sync_until"),
            syncImportID: try row.decodeIfPresent(column: "sync_import_id", as: String.self).map {
                ImportRecord.ID(rawValue: $0)
            })
    }
}
