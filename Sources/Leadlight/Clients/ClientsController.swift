import Foundation
import Hummingbird

/// `/api/v1/clients` (seeds/001). Every change is recorded in the outbox in the same transaction.
struct ClientsController {
    let database: LeadlightDatabase
    let clock: WallClock
    /// Reuses recent list answers (`ReadCache`).
    let lists: ListResponseCache
    var clients: ClientOperations { ClientOperations(database: self.database, clock: self.clock) }

    var notes: NotesController {
        NotesController(database: self.database, clock: self.clock) {
            .client(try $0.parameters.require("id", as: Client.ID.self))
        }
    }

    var routes: RouteCollection<APIContext> {
        self.notes.add(to: RouteCollection(context: APIContext.self))
            .post(use: self.create)
            .get(use: self.list)
            .get("{id}", use: self.show)
            .patch("{id}", use: self.update)
            .post("{id}/archive", use: self.archive)
            .post("{id}/restore", use: self.restore)
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
                query, in: try context.workspaceID)
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

    /// Archives the client and answers it (200): it stays, and lists leave it out unless `archived=true`.
    func archive(_ request: Request, context: APIContext) async throws -> ClientsAPI.ClientBody {
        let id = try context.parameters.require("id", as: Client.ID.self)
        return ClientsAPI.ClientBody(try await self.clients.archive(id, in: try context.workspaceID))
    }

    /// Brings an archived client back and answers it (200).
    func restore(_ request: Request, context: APIContext) async throws -> ClientsAPI.ClientBody {
        let id = try context.parameters.require("id", as: Client.ID.self)
        return ClientsAPI.ClientBody(try await self.clients.restore(id, in: try context.workspaceID))
    }
}
