import Foundation
import SQLKit

/// Changes to clients, for every surface alike: one client per email in a workspace, and a change of buying
/// stage timed and announced as `client.stage_changed`, wherever it is made.
package struct ClientOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock

    package init(database: LeadlightDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    /// Validates `changes` (`name` and `email` are required) and stores a new client, recording
    /// `client.created`. An email already used in the workspace throws `ClientStore.EmailTaken`.
    package func create(_ changes: ClientChanges, in workspace: Workspace.ID) async throws -> Client {
        try await self.database.transaction { tx in try await self.create(changes, in: workspace, within: tx) }
    }

    /// The same, inside a transaction the caller owns.
    package func create(
        _ changes: ClientChanges, in workspace: Workspace.ID, within tx: any SQLDatabase
    ) async throws -> Client {
        let client = try changes.makeClient(id: .generate(), in: workspace, at: self.clock.now)
        try await Self.insert(client, on: tx)
        return client
    }

    /// Stores a client made elsewhere in this layer (a converted lead) and records `client.created`.
    static func insert(_ client: Client, on tx: any SQLDatabase) async throws {
        try await ClientStore(database: tx).insert(client)
        try await Outbox(database: tx).record(
            .clientCreated, ClientsAPI.ClientBody(client), in: client.workspaceID, at: client.createdAt)
    }

    /// Applies the fields sent; a new buying stage is timed and recorded as `client.stage_changed` with the
    /// previous stage.
    package func update(
        _ id: Client.ID, with changes: ClientChanges, in workspace: Workspace.ID
    ) async throws -> Client {
        try changes.check()
        let now = self.clock.now
        return try await self.database.transaction { tx in
            let store = ClientStore(database: tx)
            guard let stored = try await store.find(id, in: workspace) else { throw NotFound("client") }
            var client = try changes.applied(to: stored, at: now)
            guard client != stored else { return stored }
            client.updatedAt = now
            try await store.update(client)
            if client.buyingStage != stored.buyingStage {
                try await Self.recordStageChange(of: client, from: stored.buyingStage, on: tx, at: now)
            }
            return client
        }
    }

    /// Records `client.stage_changed`: the client as it is now, with the stage it left.
    static func recordStageChange(
        of client: Client, from previous: BuyingStage, on tx: any SQLDatabase, at now: Date
    ) async throws {
        try await Outbox(database: tx).record(
            .clientStageChanged,
            ChangeEventBody(resource: ClientsAPI.ClientBody(client), previousKey: "previousStage", previous: previous),
            in: client.workspaceID, at: now
        )
    }

    /// Archives the client: it stays, and lists leave it out unless asked (`archived=true`).
    package func archive(_ id: Client.ID, in workspace: Workspace.ID) async throws -> Client {
        try await self.database.setArchived(true, id, in: workspace, at: self.clock.now, in: ClientStore.self)
    }

    /// Brings an archived client back into the lists.
    package func restore(_ id: Client.ID, in workspace: Workspace.ID) async throws -> Client {
        try await self.database.setArchived(false, id, in: workspace, at: self.clock.now, in: ClientStore.self)
    }
}
