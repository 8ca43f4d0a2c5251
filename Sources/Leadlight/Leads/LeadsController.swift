import Foundation
import Hummingbird

/// `/api/v1/leads` (seeds/001). Every handler is scoped to the workspace of the calling API key; every change
/// is recorded in the outbox in the same transaction.
struct LeadsController {
    let database: LeadlightDatabase
    let clock: WallClock
    /// Reuses recent list answers (`ReadCache`).
    let lists: ListResponseCache
    var leads: LeadOperations { LeadOperations(database: self.database, clock: self.clock) }

    var notes: NotesController {
        NotesController(database: self.database, clock: self.clock) {
            .lead(try $0.parameters.require("id", as: Lead.ID.self))
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
            .post("{id}/convert", use: self.convert)
    }

    /// Answers `{"success": true, "leadId": "…"}` with 201; safe to retry with an `Idempotency-Key`.
    func create(_ request: Request, context: APIContext) async throws -> Response {
        let body = try await request.jsonBody(context: context)
        let changes = try Request.decodeJSON(as: LeadChanges.self, from: body)
        let workspace = try context.workspaceID
        return try await IdempotentCreation(database: self.database, clock: self.clock).respond(
            to: request, body: body, context: context
        ) { tx in
            let lead = try await self.leads.create(changes, in: workspace, within: tx)
            return (.created, try IdempotentCreation.json(LeadsAPI.Created(leadId: lead.id)))
        }
    }

    func list(_ request: Request, context: APIContext) async throws -> Response {
        try await self.lists.respond(to: request, context: context) {
            let query = try LeadQuery(validating: request.uri.queryParameters)
            let (leads, total) = try await LeadStore(database: self.database.sql).list(
                query, in: try context.workspaceID)
            return LeadsAPI.LeadList(leads: leads.map(LeadsAPI.LeadBody.init), total: total).jsonBytes()
        }
    }

    func show(_ request: Request, context: APIContext) async throws -> LeadsAPI.LeadBody {
        let id = try context.parameters.require("id", as: Lead.ID.self)
        guard let lead = try await LeadStore(database: self.database.sql).find(id, in: try context.workspaceID) else {
            throw APIError.notFound("lead")  // another workspace's lead is "not found" too
        }
        return LeadsAPI.LeadBody(lead)
    }

    /// Changes the fields sent; a new status is recorded as `lead.status_changed` with the previous one.
    func update(_ request: Request, context: APIContext) async throws -> LeadsAPI.LeadBody {
        let id = try context.parameters.require("id", as: Lead.ID.self)
        let changes = try await request.decodeJSON(as: LeadChanges.self, context: context)
        return LeadsAPI.LeadBody(try await self.leads.update(id, with: changes, in: try context.workspaceID))
    }

    /// Makes the lead a client (`LeadOperations.convert`): 201 with both ids. Converting twice is a 409 naming
    /// the client; so is an email that already belongs to a client. Safe to retry with an `Idempotency-Key`.
    func convert(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Lead.ID.self)
        let workspace = try context.workspaceID
        let body = ByteBuffer()  // the request has no body: the key covers the method and path
        return try await IdempotentCreation(database: self.database, clock: self.clock).respond(
            to: request, body: body, context: context
        ) { tx in
            let (lead, client) = try await self.leads.convert(id, in: workspace, within: tx)
            return (.created, try IdempotentCreation.json(LeadsAPI.Converted(leadId: lead.id, clientId: client.id)))
        }
    }

    /// Archives the lead and answers it (200): it stays, and lists leave it out unless `archived=true`.
    func archive(_ request: Request, context: APIContext) async throws -> LeadsAPI.LeadBody {
        let id = try context.parameters.require("id", as: Lead.ID.self)
        return LeadsAPI.LeadBody(try await self.leads.archive(id, in: try context.workspaceID))
    }

    /// Brings an archived lead back and answers it (200).
    func restore(_ request: Request, context: APIContext) async throws -> LeadsAPI.LeadBody {
        let id = try context.parameters.require("id", as: Lead.ID.self)
        return LeadsAPI.LeadBody(try await self.leads.restore(id, in: try context.workspaceID))
    }
}
