import Foundation
import Hummingbird

/// `/api/v1/listings` (seeds/001). Every change is recorded in the outbox in the same transaction.
struct ListingsController {
    let database: LeadlightDatabase
    let clock: WallClock
    /// Reuses recent list answers (`ReadCache`).
    let lists: ListResponseCache
    var listings: ListingOperations { ListingOperations(database: self.database, clock: self.clock) }

    var routes: RouteCollection<APIContext> {
        RouteCollection(context: APIContext.self)
            .post(use: self.create)
            .get(use: self.list)
            .get("{id}", use: self.show)
            .patch("{id}", use: self.update)
            .post("{id}/archive", use: self.archive)
            .post("{id}/restore", use: self.restore)
    }

    /// Answers `{"success": true, "listingId": "…"}` with 201; records `listing.created`.
    func create(_ request: Request, context: APIContext) async throws -> Response {
        let body = try await request.jsonBody(context: context)
        let changes = try Request.decodeJSON(as: ListingChanges.self, from: body)
        let workspace = try context.workspaceID
        return try await IdempotentCreation(database: self.database, clock: self.clock).respond(
            to: request, body: body, context: context
        ) { tx in
            let listing = try await self.listings.create(changes, in: workspace, within: tx)
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
        return ListingsAPI.ListingBody(try await self.listings.update(id, with: changes, in: try context.workspaceID))
    }

    /// Archives the listing and answers it (200): it stays, and lists leave it out unless `archived=true`.
    func archive(_ request: Request, context: APIContext) async throws -> ListingsAPI.ListingBody {
        let id = try context.parameters.require("id", as: Listing.ID.self)
        return ListingsAPI.ListingBody(try await self.listings.archive(id, in: try context.workspaceID))
    }

    /// Brings an archived listing back and answers it (200).
    func restore(_ request: Request, context: APIContext) async throws -> ListingsAPI.ListingBody {
        let id = try context.parameters.require("id", as: Listing.ID.self)
        return ListingsAPI.ListingBody(try await self.listings.restore(id, in: try context.workspaceID))
    }
}
