import Foundation
import Hummingbird

/// `/api/v1/listings` (seeds/001). Every change is recorded in the outbox in the same transaction.
struct ListingsController {
    let database: LeadlightDatabase
    let clock: WallClock
    /// Reuses recent list answers (`ReadCache`).
    let lists: ListResponseCache

    var routes: RouteCollection<APIContext> {
        RouteCollection(context: APIContext.self)
            .post(use: self.create)
            .get(use: self.list)
            .get("{id}", use: self.show)
            .patch("{id}", use: self.update)
    }

    /// Answers `{"success": true, "listingId": "…"}` with 201; records `listing.created`.
    func create(_ request: Request, context: APIContext) async throws -> Response {
        let body = try await request.jsonBody(context: context)
        let changes = try Request.decodeJSON(as: ListingChanges.self, from: body)
        let workspace = try context.workspaceID
        let now = self.clock.now
        let listing = try changes.makeListing(id: .generate(), in: workspace, at: now)
        return try await IdempotentCreation(database: self.database, clock: self.clock).respond(
            to: request, body: body, context: context
        ) { tx in
            try await ListingStore(database: tx).insert(listing)
            try await Outbox(database: tx).record(
                .listingCreated, ListingsAPI.ListingBody(listing), in: workspace, at: now)
            return (.created, try IdempotentCreation.json(ListingsAPI.Created(listingId: listing.id)))
        }
    }

    /// Active listings by default, as documented.
    func list(_ request: Request, context: APIContext) async throws -> Response {
        try await self.lists.respond(to: request, context: context) {
            let query = try ListingQuery(validating: request.uri.queryParameters)
            let (listings, total) = try await ListingStore(database: self.database.sql).list(
                query, in: try context.workspaceID)
            return try ListResponseCache.json(
                ListingsAPI.ListingList(listings: listings.map(ListingsAPI.ListingBody.init), total: total))
        }
    }

    func show(_ request: Request, context: APIContext) async throws -> ListingsAPI.ListingBody {
        let id = try context.parameters.require("id", as: Listing.ID.self)
        guard let listing = try await ListingStore(database: self.database.sql).find(id, in: try context.workspaceID)
        else { throw APIError.notFound("listing") }
        return ListingsAPI.ListingBody(listing)
    }

    /// Changes the fields sent; a new status is recorded as `listing.status_changed` with the previous one.
    func update(_ request: Request, context: APIContext) async throws -> ListingsAPI.ListingBody {
        let id = try context.parameters.require("id", as: Listing.ID.self)
        let changes = try await request.decodeJSON(as: ListingChanges.self, context: context)
        try changes.check()
        let workspace = try context.workspaceID
        let now = self.clock.now
        let updated: Listing? = try await self.database.transaction { tx in
            let store = ListingStore(database: tx)
            guard let stored = try await store.find(id, in: workspace) else { return nil }
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
        guard let updated else { throw APIError.notFound("listing") }
        return ListingsAPI.ListingBody(updated)
    }
}
