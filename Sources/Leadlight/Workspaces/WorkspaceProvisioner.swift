import Foundation

/// Creates a workspace with its owner login and first API key, all in one transaction.
package struct WorkspaceProvisioner: Sendable {
    let database: LeadlightDatabase
    let passwordHasher: PasswordHasher
    let clock: WallClock

    package init(database: LeadlightDatabase, passwordHasher: PasswordHasher, clock: WallClock = .system) {
        self.database = database
        self.passwordHasher = passwordHasher
        self.clock = clock
    }

    /// What was created. `generatedPassword` and `apiKey` are the only copies: show them once.
    package struct Provisioned: Sendable {
        package var workspace: Workspace
        package var owner: User
        /// Set when no password was given and one was generated.
        package var generatedPassword: String?
        package var key: APIKey
        package var apiKey: APIKeySecret
    }

    /// - Parameter ownerPassword: nil to generate one.
    package func provision(
        _ draft: WorkspaceDraft,
        ownerPassword: String?,
        keyName: String = "Default key"
    ) async throws -> Provisioned {
        let password = try ownerPassword.map { try PasswordHasher.validate($0, field: "ownerPassword") }
        let generatedPassword = password == nil ? PasswordHasher.generatePassword() : nil
        let passwordHash = try await self.passwordHasher.hash(password ?? generatedPassword!)
        let now = self.clock.now
        let workspace = Workspace(
            id: .generate(), name: draft.name, agentID: draft.agentID, currency: draft.currency,
            timeZone: draft.timeZone, createdAt: now, updatedAt: now
        )
        let owner = User(
            id: .generate(), workspaceID: workspace.id, email: draft.ownerEmail, passwordHash: passwordHash,
            role: .owner, createdAt: now, updatedAt: now
        )
        let (key, secret) = try await self.database.transaction { tx in
            try await WorkspaceStore(database: tx).insert(workspace)
            try await UserStore(database: tx).insert(owner)
            return try await APIKeyStore(database: tx).create(named: keyName, in: workspace.id, at: now)
        }
        return Provisioned(
            workspace: workspace, owner: owner, generatedPassword: generatedPassword, key: key, apiKey: secret
        )
    }
}
