import Foundation

/// Issuing and revoking a workspace's API keys, for every surface alike (the API, the CLI, Settings → API).
package struct APIKeyOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock

    package init(database: LeadlightDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    /// A new key named `name` ("API key" when blank), expiring at `expiresAt` (checked: in the future, within
    /// ten years) or never. The secret returned is the only copy there will ever be.
    package func create(named name: String?, expiresAt: Date? = nil, in workspace: Workspace.ID) async throws -> (
        APIKey, APIKeySecret
    ) {
        let now = self.clock.now
        var errors = FieldErrorCollector()
        let name = errors.check { try APIKeysAPI.validName(name) }
        if let expiresAt {
            if expiresAt <= now { errors.add("expiresAt", "must be in the future") }
            if expiresAt > now.addingTimeInterval(APIKeysAPI.longestLife) {
                errors.add("expiresAt", "must be within ten years")
            }
        }
        try errors.throwIfAny()
        return try await self.database.transaction { tx in
            try await APIKeyStore(database: tx).create(
                named: name ?? "API key",
                expiresAt: expiresAt.map { Date(millisecondsSince1970: $0.millisecondsSince1970) },
                in: workspace, at: now)
        }
    }

    /// Revokes the key at once (a no-op when it already is); another workspace's key is not found.
    package func revoke(_ id: APIKey.ID, in workspace: Workspace.ID) async throws -> APIKey {
        let now = self.clock.now
        let revoked = try await self.database.transaction { tx in
            try await APIKeyStore(database: tx).revoke(id, in: workspace, at: now)
        }
        guard let revoked else { throw NotFound("API key") }
        return revoked
    }
}
