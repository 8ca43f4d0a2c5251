/// The first-run experience (DESIGN.md, Embedded default): a server on an empty database creates a demo
/// workspace with a login and an API key, so a newcomer is working within one command.
package enum DemoWorkspace {
    package static let agentID = "demo"
    package static let ownerEmail = "owner@demo.leadlight.test"

    /// Creates the demo workspace when the database has no workspace at all; nil otherwise.
    /// Two servers starting together on one PostgreSQL both try; the loser finds the agent id taken and yields.
    package static func createIfDatabaseIsEmpty(
        using provisioner: WorkspaceProvisioner
    ) async throws -> WorkspaceProvisioner.Provisioned? {
        guard try await WorkspaceStore(database: provisioner.database.sql).count() == 0 else { return nil }
        let draft = try WorkspaceDraft(name: "Demo Workspace", agentID: Self.agentID, ownerEmail: Self.ownerEmail)
        do {
            return try await provisioner.provision(draft, ownerPassword: nil, keyName: "Demo key")
        } catch is WorkspaceStore.AgentIDTaken {
            return nil
        }
    }

    /// The lines `leadlight serve` prints once, with a curl line that works as pasted.
    package static func banner(for demo: WorkspaceProvisioner.Provisioned, baseURL: String) -> String {
        """

        ┌ First run: created the demo workspace "\(demo.workspace.name)" (agentId: \(demo.workspace.agentID))
        │ Login     \(demo.owner.email)
        │ Password  \(demo.generatedPassword ?? "(as given)")
        │ API key   \(demo.apiKey.value)
        │ These are shown only this once: keep them somewhere safe.
        │
        │ Dashboard: open \(baseURL)/ and sign in with the login and password above.
        │
        │ Try it:
        │ curl -H "Authorization: Bearer \(demo.apiKey.value)" \(baseURL)/api/v1/workspace
        └

        """
    }
}
