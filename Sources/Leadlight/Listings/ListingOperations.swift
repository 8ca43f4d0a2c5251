import Foundation
import SQLKit

/// Changes to listings, for every surface alike: `listing.created` when one is added, `listing.status_changed`
/// with the previous status when it goes pending, sold or withdrawn.
package struct ListingOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock

    package init(database: LeadlightDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    /// Validates `changes` (`address` and `price` are required) and stores a new listing.
    package func create(_ changes: ListingChanges, in workspace: Workspace.ID) async throws -> Listing {
        try await self.database.transaction { tx in try await self.create(changes, in: workspace, within: tx) }
    }

    /// The same, inside a transaction the caller owns.
    package func create(
        _ changes: ListingChanges, in workspace: Workspace.ID, within tx: any SQLDatabase
    ) async throws -> Listing {
        let listing = try changes.makeListing(id: .generate(), in: workspace, at: self.clock.now)
        try await ListingStore(database: tx).insert(listing)
        try await Outbox(database: tx).record(
            .listingCreated, ListingsAPI.ListingBody(listing), in: workspace, at: listing.createdAt)
        return listing
    }

    /// Applies the fields sent; a new status is recorded as `listing.status_changed`.
    package func update(
        _ id: Listing.ID, with changes: ListingChanges, in workspace: Workspace.ID
    ) async throws -> Listing {
        try changes.check()
        let now = self.clock.now
        return try await self.database.transaction { tx in
            let store = ListingStore(database: tx)
            guard let stored = try await store.find(id, in: workspace) else { throw NotFound("listing") }
            var listing = try changes.applied(to: stored)
            guard listing != stored else { return stored }
            listing.updatedAt = now
            try await store.update(listing)
            if listing.status != stored.status {
                try await Outbox(database: tx).record(
                    .listingStatusChanged,
                    ChangeEventBody(
                        resource: ListingsAPI.ListingBody(listing), previousKey: "previousStatus",
                        previous: stored.status),
                    in: workspace, at: now
                )
            }
            return listing
        }
    }

    /// Archives the listing: it stays, and lists leave it out unless asked (`archived=true`).
    package func archive(_ id: Listing.ID, in workspace: Workspace.ID) async throws -> Listing {
        try await self.database.setArchived(true, id, in: workspace, at: self.clock.now, in: ListingStore.self)
    }

    /// Brings an archived listing back into the lists.
    package func restore(_ id: Listing.ID, in workspace: Workspace.ID) async throws -> Listing {
        try await self.database.setArchived(false, id, in: workspace, at: self.clock.now, in: ListingStore.self)
    }
}
