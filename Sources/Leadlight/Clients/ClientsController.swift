import Foundation
import Hummingbird

/// `/api/v1/clients` (seeds/001). Every change is recorded in the outbox in the same transaction.
struct ClientsController {
    let database: LeadlightDatabase
    let clock: WallClock
    /// Reuses recent list answers (`ReadCache`).
    let lists: ListResponseCache
    var clients: ClientOperations { ClientOperations(database: self.database, clock: self.clock) }

    var routes: RouteCollection<APIContext> {
        RouteCollection(context: APIContext.self)
            .post(use: self.create)
            .get(use: self.list)
            .get("{id}", use: self.show)
            .patch("{id}", use: self.update)
    }

    /// Answers `{"success": true, "clientId": "…"}` with 201; an email already used in the workspace is a 409
    /// naming that client. Safe to retry with an `Idempotency-Key`.
    func create(_ request: Request, context: APIContext) async throws -> Response {
        let body = try await request.jsonBody(context: context)
        let changes = try Request.decodeJSON(as: ClientChanges.self, from: body)
        let workspace = try context.workspaceID
        return try await IdempotentCreation(database: self.database, clock: self.clock).respond(
            to: request, body: body, context: context
        ) { tx in
            let client = try await self.clients.create(changes, in: workspace, within: tx)
            return (.created, try IdempotentCreation.json(ClientsAPI.Created(clientId: client.id)))
        }
    }

    func list(_ request: Request, context: APIContext) async throws -> Response {
        try await self.lists.respond(to: request, context: context) {
            let query = try ClientQuery(validating: request.uri.queryParameters)
            let (clients, total) = try await ClientStore(database: self.database.sql).list(
                stage: query.buyingStage, limit: query.limit, offset: query.offset, in: try context.workspaceID
            )
            return try ListResponseCache.json(
                ClientsAPI.ClientList(clients: clients.map(ClientsAPI.ClientBody.init), total: total))
        }
    }

    func show(_ request: Request, context: APIContext) async throws -> ClientsAPI.ClientBody {
        let id = try context.parameters.require("id", as: Client.ID.self)
        guard let client = try await ClientStore(database: self.database.sql).find(id, in: try context.workspaceID)
        else { throw APIError.notFound("client") }
        return ClientsAPI.ClientBody(client)
    }

    /// Changes the fields sent; a new buying stage is timed and recorded as `client.stage_changed`.
    func update(_ request: Request, context: APIContext) async throws -> ClientsAPI.ClientBody {
        let id = try context.parameters.require("id", as: Client.ID.self)
        let changes = try await request.decodeJSON(as: ClientChanges.self, context: context)
        return ClientsAPI.ClientBody(try await self.clients.update(id, with: changes, in: try context.workspaceID))
    }
}
