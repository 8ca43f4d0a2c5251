import Foundation
import SQLKit

/// Every query that touches `api_keys`. Writes that change a stored key say so (`CommitSignal.keysChanged()`),
/// so keys cached in memory are read again: run them in `LeadlightDatabase.transaction`.
package struct APIKeyStore: Sendable {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    /// Issues a new key. The returned secret is the only copy there will ever be.
    package func create(
        named name: String, expiresAt: Date? = nil, in workspace: Workspace.ID, at now: Date
    ) async throws -> (APIKey, APIKeySecret) {
        let secret = APIKeySecret.generate()
        let key = APIKey(
            id: .generate(), workspaceID: workspace, name: name, prefix: secret.displayPrefix,
            secretHash: secret.hash, createdAt: now, lastUsedAt: nil, revokedAt: nil, expiresAt: expiresAt
        )
        try await self.database.insert(into: "api_keys")
            .columns("id", "workspace_id", "name", "prefix", "secret_hash", "created_at", "expires_at")
            .values(
                SQLBind(key.id.rawValue), SQLBind(workspace.rawValue), SQLBind(key.name), SQLBind(key.prefix),
                SQLBind(key.secretHash), SQLBind(now.millisecondsSince1970),
                SQLBind.orNull(expiresAt?.millisecondsSince1970)
            )
            .run()
        return (key, secret)
    }

    /// The key with this secret, or nil when it is unknown or revoked (whether it has expired is the caller's to
    /// check: the answer may be cached past its expiry). Written out rather than built: every API request runs it.
    package func authenticate(_ secret: APIKeySecret) async throws -> APIKey? {
        try await self.database.raw(
            "SELECT * FROM api_keys WHERE secret_hash = \(bind: secret.hash) AND revoked_at IS NULL"
        )
        .first()
        .map(APIKey.init(row:))
    }

    /// Records use, at most once per `interval`, so authentication is not a write on every request.
    func recordUse(of id: APIKey.ID, at now: Date, interval: TimeInterval) async throws {
        let threshold = now.addingTimeInterval(-interval).millisecondsSince1970
        CommitSignal.keysChanged()
        try await self.database.update("api_keys")
            .set("last_used_at", to: now.millisecondsSince1970)
            .where("id", .equal, id.rawValue)
            .where { $0.where("last_used_at", .is, SQLLiteral.null).orWhere("last_used_at", .lessThan, threshold) }
            .run()
    }

    package func list(in workspace: Workspace.ID) async throws -> [APIKey] {
        try await self.database.select().column("*").from("api_keys")
            .where("workspace_id", .equal, workspace.rawValue)
            .orderBy("created_at", .descending)
            .orderBy("id", .descending)
            .all()
            .map(APIKey.init(row:))
    }

    package func find(_ id: APIKey.ID, in workspace: Workspace.ID) async throws -> APIKey? {
        try await self.database.select().column("*").from("api_keys")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("id", .equal, id.rawValue)
            .first()
            .map(APIKey.init(row:))
    }

    /// Revokes the key (a no-op when it already is) and returns it; nil when the workspace has no such key.
    package func revoke(_ id: APIKey.ID, in workspace: Workspace.ID, at now: Date) async throws -> APIKey? {
        CommitSignal.keysChanged()
        try await self.database.update("api_keys")
            .set("revoked_at", to: now.millisecondsSince1970)
            .where("workspace_id", .equal, workspace.rawValue)
            .where("id", .equal, id.rawValue)
            .where("revoked_at", .is, SQLLiteral.null)
            .run()
        return try await self.find(id, in: workspace)
    }
}

extension APIKey {
    /// Reads the columns in the table's order (`RowColumns`): every API request reads its key.
    init(row: any SQLRow) throws {
        var row = RowColumns(row)
        self.init(
            id: ID(rawValue: try row.text("id")),
            workspaceID: Workspace.ID(rawValue: try row.text("workspace_id")),
            name: try row.text("name"),
            prefix: try row.text("prefix"),
            secretHash: try row.text("secret_hash"),
            createdAt: Date(millisecondsSince1970: try row.int64("created_at")),
            lastUsedAt: try row.optionalInt64("last_used_at").map(Date.init(millisecondsSince1970:)),
            revokedAt: try row.optionalInt64("revoked_at").map(Date.init(millisecondsSince1970:)),
            expiresAt: try row.optionalInt64("expires_at").map(Date.init(millisecondsSince1970:))
        )
    }
}
