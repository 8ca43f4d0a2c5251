import Foundation
import SQLKit

/// Changes to showings, for every surface alike: a client's request to see a listing, both of the same
/// workspace, announced as `showing.requested`; then confirmed, completed or cancelled.
package struct ShowingOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock

    package init(database: LeadlightDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    /// Validates `changes` and records the request. The client and the listing must be the workspace's: another
    /// workspace's id is as unknown as one never issued, and named as a bad field.
    package func request(_ changes: ShowingChanges, in workspace: Workspace.ID) async throws -> Showing {
        try await self.database.transaction { tx in try await self.request(changes, in: workspace, within: tx) }
    }

    /// The same, inside a transaction the caller owns.
    package func request(
        _ changes: ShowingChanges, in workspace: Workspace.ID, within tx: any SQLDatabase
    ) async throws -> Showing {
        let showing = try changes.makeShowing(id: .generate(), in: workspace, at: self.clock.now)
        var missing = FieldErrorCollector()
        if try await ClientStore(database: tx).find(showing.clientID, in: workspace) == nil {
            missing.add("clientId", "is not the id of a client of this workspace")
        }
        if try await ListingStore(database: tx).find(showing.listingID, in: workspace) == nil {
            missing.add("listingId", "is not the id of a listing of this workspace")
        }
        try missing.throwIfAny()
        try await ShowingStore(database: tx).insert(showing)
        try await Outbox(database: tx).record(
            .showingRequested, ShowingsAPI.ShowingBody(showing), in: workspace, at: showing.createdAt)
        return showing
    }

    /// Changes the status (`requested`, `confirmed`, `completed`, `cancelled`), the preferred time or notes.
    package func update(
        _ id: Showing.ID, with changes: ShowingChanges, in workspace: Workspace.ID
    ) async throws -> Showing {
        try changes.check()
        let now = self.clock.now
        return try await self.database.transaction { tx in
            let store = ShowingStore(database: tx)
            guard let stored = try await store.find(id, in: workspace) else { throw NotFound("showing") }
            var showing = try changes.applied(to: stored)
            guard showing != stored else { return stored }
            showing.updatedAt = now
            try await store.update(showing)
            return showing
        }
    }

    /// Archives the showing: it stays, and lists leave it out unless asked (`archived=true`).
    package func archive(_ id: Showing.ID, in workspace: Workspace.ID) async throws -> Showing {
        try await self.database.setArchived(true, id, in: workspace, at: self.clock.now, in: ShowingStore.self)
    }

    /// Brings an archived showing back into the lists.
    package func restore(_ id: Showing.ID, in workspace: Workspace.ID) async throws -> Showing {
        try await self.database.setArchived(false, id, in: workspace, at: self.clock.now, in: ShowingStore.self)
    }
}
