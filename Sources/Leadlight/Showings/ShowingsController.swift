import Foundation
import Hummingbird

/// `/api/v1/showings`: a client's requests to see listings, both of the calling key's workspace.
struct ShowingsController {
    let database: LeadlightDatabase
    let clock: WallClock
    /// Reuses recent list answers (`ReadCache`).
    let lists: ListResponseCache
    var showings: ShowingOperations { ShowingOperations(database: self.database, clock: self.clock) }

    var routes: RouteCollection<APIContext> {
        RouteCollection(context: APIContext.self)
            .post(use: self.create)
            .get(use: self.list)
            .get("{id}", use: self.show)
            .patch("{id}", use: self.update)
            .post("{id}/archive", use: self.archive)
            .post("{id}/restore", use: self.restore)
    }

    /// Answers `{"success": true, "showingId": "…"}` with 201 and records `showing.requested`. The client and
    /// the listing must be the workspace's (another workspace's id is as unknown as one never issued).
    func create(_ request: Request, context: APIContext) async throws -> Response {
        let body = try await request.jsonBody(context: context)
        let changes = try Request.decodeJSON(as: ShowingChanges.self, from: body)
        let workspace = try context.workspaceID
        return try await IdempotentCreation(database: self.database, clock: self.clock).respond(
            to: request, body: body, context: context
        ) { tx in
            let showing = try await self.showings.request(changes, in: workspace, within: tx)
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
        return ShowingsAPI.ShowingBody(try await self.showings.update(id, with: changes, in: try context.workspaceID))
    }

    /// Archives the showing and answers it (200): it stays, and lists leave it out unless `archived=true`.
    func archive(_ request: Request, context: APIContext) async throws -> ShowingsAPI.ShowingBody {
        let id = try context.parameters.require("id", as: Showing.ID.self)
        return ShowingsAPI.ShowingBody(try await self.showings.archive(id, in: try context.workspaceID))
    }

    /// Brings an archived showing back and answers it (200).
    func restore(_ request: Request, context: APIContext) async throws -> ShowingsAPI.ShowingBody {
        let id = try context.parameters.require("id", as: Showing.ID.self)
        return ShowingsAPI.ShowingBody(try await self.showings.restore(id, in: try context.workspaceID))
    }
}
