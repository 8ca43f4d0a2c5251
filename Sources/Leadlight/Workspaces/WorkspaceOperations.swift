import Foundation

/// Changes to the workspace itself and its owner's login, for every surface alike (`PATCH /api/v1/workspace`,
/// Settings → Workspace).
package struct WorkspaceOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock

    package init(database: LeadlightDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    /// Renames the workspace or changes its currency or time zone. The agentId cannot change: webhook receivers
    /// and public links depend on it.
    package func update(_ id: Workspace.ID, with body: WorkspacesAPI.UpdateWorkspace) async throws -> Workspace {
        guard var workspace = try await WorkspaceStore(database: self.database.sql).find(id) else {
            throw NotFound("workspace")
        }
        var errors = FieldErrorCollector()
        if let agentId = body.agentId, agentId != workspace.agentID.rawValue {
            errors.add("agentId", "cannot be changed: webhook receivers and public links depend on it")
        }
        if let name = body.name,
            let name = errors.check({ try TextRules.required(name, field: "name", maxLength: 200) })
        {
            workspace.name = name
        }
        if let currency = body.currency, let currency = errors.check({ try CurrencyCode(validating: currency) }) {
            workspace.currency = currency
        }
        if let timeZone = body.timeZone, let timeZone = errors.check({ try WorkspaceDraft.validTimeZone(timeZone) }) {
            workspace.timeZone = timeZone
        }
        try errors.throwIfAny()
        workspace.updatedAt = self.clock.now
        let updated = workspace
        try await self.database.transaction { tx in try await WorkspaceStore(database: tx).update(updated) }
        return updated
    }

    /// The owner's new password, after the current one is checked; every other session of the login ends, so a
    /// browser signed in by someone who knew the old password is signed out.
    package func changePassword(
        of userID: User.ID, current: String, new: String, keeping session: DashboardSession, hasher: PasswordHasher
    ) async throws {
        guard let user = try await UserStore(database: self.database.sql).find(userID) else { throw NotFound("login") }
        var errors = FieldErrorCollector()
        if !(try await hasher.verify(current, against: user.passwordHash)) {
            errors.add("currentPassword", "is not the password of this login")
        }
        let new = errors.check { try PasswordHasher.validate(new, field: "newPassword") }
        try errors.throwIfAny()
        let hash = try await hasher.hash(new ?? "")
        let now = self.clock.now
        try await self.database.transaction { tx in
            try await UserStore(database: tx).setPasswordHash(hash, of: user.id, at: now)
            try await DashboardSessionStore(database: tx).deleteAll(of: user.id, except: session)
        }
    }
}
