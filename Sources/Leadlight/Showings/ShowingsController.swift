import Foundation
import Hummingbird

/// `/api/v1/showings`: a client's requests to see listings, both of the calling key's workspace.
struct ShowingsController {
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

    /// Answers `{"success": true, "showingId": "…"}` with 201 and records `showing.requested`. The client and
    /// the listing must be the workspace's (another workspace's id is as unknown as one never issued).
    func create(_ request: Request, context: APIContext) async throws -> Response {
        let body = try await request.jsonBody(context: context)
        let changes = try Request.decodeJSON(as: ShowingChanges.self, from: body)
        let workspace = try context.workspaceID
        let now = self.clock.now
        let showing = try changes.makeShowing(id: .generate(), in: workspace, at: now)
        return try await IdempotentCreation(database: self.database, clock: self.clock).respond(
            to: request, body: body, context: context
        ) { tx in
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
                .showingRequested, ShowingsAPI.ShowingBody(showing), in: workspace, at: now)
            return (.created, try IdempotentCreation.json(ShowingsAPI.Created(showingId: showing.id)))
        }
    }

    func list(_ request: Request, context: APIContext) async throws -> Response {
        try await self.lists.respond(to: request, context: context) {
            let query = try ShowingQuery(validating: request.uri.queryParameters)
            let (showings, total) = try await ShowingStore(database: self.database.sql).list(
                query, in: try context.workspaceID)
            return try ListResponseCache.json(
                ShowingsAPI.ShowingList(showings: showings.map(ShowingsAPI.ShowingBody.init), total: total))
        }
    }

    func show(_ request: Request, context: APIContext) async throws -> ShowingsAPI.ShowingBody {
        let id = try context.parameters.require("id", as: Showing.ID.self)
        guard let showing = try await ShowingStore(database: self.database.sql).find(id, in: try context.workspaceID)
        else { throw APIError.notFound("showing") }
        return ShowingsAPI.ShowingBody(showing)
    }

    /// Changes the status (`requested`, `confirmed`, `completed`, `cancelled`), the preferred time or notes.
    func update(_ request: Request, context: APIContext) async throws -> ShowingsAPI.ShowingBody {
        let id = try context.parameters.require("id", as: Showing.ID.self)
        let changes = try await request.decodeJSON(as: ShowingChanges.self, context: context)
        try changes.check()
        let workspace = try context.workspaceID
        let now = self.clock.now
        let updated: Showing? = try await self.database.transaction { tx in
            let store = ShowingStore(database: tx)
            guard let stored = try await store.find(id, in: workspace) else { return nil }
            var showing = try changes.applied(to: stored)
            guard showing != stored else { return stored }
            showing.updatedAt = now
            try await store.update(showing)
            return showing
        }
        guard let updated else { throw APIError.notFound("showing") }
        return ShowingsAPI.ShowingBody(updated)
    }
}
