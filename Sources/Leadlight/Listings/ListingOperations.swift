import Foundation
import SQLKit

/// Changes to listings, for every surface alike: `listing.created` when one is added, `listing.status_changed`
/// with the previous status when it goes pending, sold or withdrawn; and its photo for the public site (the API
/// does not carry photos, so changing one announces nothing).
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

    /// The listing's photo, replacing the one it had: a JPEG, PNG or WebP of at most 2 MB, checked by its bytes
    /// (a bad file is a `photo` field error and nothing changes).
    package func setPhoto(fileName: String, content: Data, of id: Listing.ID, in workspace: Workspace.ID) async throws {
        let file = try PublicFile.checked(.photo, fileName: fileName, content: content, at: self.clock.now)
        try await self.database.transaction { tx in
            guard try await ListingStore(database: tx).find(id, in: workspace) != nil else {
                throw NotFound("listing")
            }
            try await ListingPhotoStore(database: tx).put(file, for: id, in: workspace)
        }
    }

    /// Takes the listing's photo off the site; another workspace's listing is not found.
    package func removePhoto(of id: Listing.ID, in workspace: Workspace.ID) async throws {
        try await self.database.transaction { tx in
            guard try await ListingStore(database: tx).find(id, in: workspace) != nil else {
                throw NotFound("listing")
            }
            try await ListingPhotoStore(database: tx).remove(of: id, in: workspace)
        }
    }

    package func photoInfo(of id: Listing.ID, in workspace: Workspace.ID) async throws -> PublicFileInfo? {
        try await ListingPhotoStore(database: self.database.sql).info(of: id, in: workspace)
    }

    package func photo(of id: Listing.ID, in workspace: Workspace.ID) async throws -> PublicFile? {
        try await ListingPhotoStore(database: self.database.sql).photo(of: id, in: workspace)
    }
}
