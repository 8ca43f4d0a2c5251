import Foundation
import Hummingbird

/// `/api/v1/leads` (seeds/001). Every handler is scoped to the workspace of the calling API key; every change
/// is recorded in the outbox in the same transaction.
struct LeadsController {
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
            .post("{id}/convert", use: self.convert)
    }

    /// Answers `{"success": true, "leadId": "…"}` with 201; safe to retry with an `Idempotency-Key`.
    func create(_ request: Request, context: APIContext) async throws -> Response {
        let body = try await request.jsonBody(context: context)
        let changes = try Request.decodeJSON(as: LeadChanges.self, from: body)
        let workspace = try context.workspaceID
        let now = self.clock.now
        let lead = try changes.makeLead(id: .generate(), in: workspace, at: now)
        return try await IdempotentCreation(database: self.database, clock: self.clock).respond(
            to: request, body: body, context: context
        ) { tx in
            try await LeadStore(database: tx).insert(lead)
            try await Outbox(database: tx).record(.leadCreated, LeadsAPI.LeadBody(lead), in: workspace, at: now)
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
        try changes.check()
        let workspace = try context.workspaceID
        let now = self.clock.now
        let updated: Lead? = try await self.database.transaction { tx in
            let store = LeadStore(database: tx)
            guard let stored = try await store.find(id, in: workspace) else { return nil }
            var lead = try changes.applied(to: stored)
            guard lead != stored else { return stored }
            lead.updatedAt = now
            try await store.update(lead)
            if lead.status != stored.status {
                try await Outbox(database: tx).record(
                    .leadStatusChanged,
                    ChangeEventBody(
                        resource: LeadsAPI.LeadBody(lead), previousKey: "previousStatus", previous: stored.status),
                    in: workspace, at: now
                )
            }
            return lead
        }
        guard let updated else { throw APIError.notFound("lead") }
        return LeadsAPI.LeadBody(updated)
    }

    /// Makes the lead a client (its name, email, phone and notes; the email is required): the lead becomes
    /// `converted` and points at the client. Records `client.created` and `lead.status_changed`. Converting
    /// twice is a 409 naming the client; so is an email that already belongs to a client.
    func convert(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Lead.ID.self)
        let workspace = try context.workspaceID
        let now = self.clock.now
        let body = ByteBuffer()  // the request has no body: the key covers the method and path
        return try await IdempotentCreation(database: self.database, clock: self.clock).respond(
            to: request, body: body, context: context
        ) { tx in
            let leads = LeadStore(database: tx)
            guard let stored = try await leads.find(id, in: workspace) else { throw APIError.notFound("lead") }
            if let clientID = stored.clientID {
                var error = APIError.conflict(
                    "This lead was already converted into client \(clientID).", code: "lead_already_converted")
                error.existingID = clientID.rawValue
                throw error
            }
            guard let email = stored.email else {
                throw APIError.validationFailed([
                    FieldError(field: "email", message: "is required to convert a lead into a client")
                ])
            }
            let client = Client(
                id: .generate(), workspaceID: workspace, name: stored.name, email: email, phone: stored.phone,
                notes: stored.notes, buyingStage: .new, stageChangedAt: now, createdAt: now, updatedAt: now
            )
            try await ClientStore(database: tx).insert(client)
            var lead = stored
            lead.status = .converted
            lead.clientID = client.id
            lead.updatedAt = now
            try await leads.update(lead)
            let outbox = Outbox(database: tx)
            try await outbox.record(.clientCreated, ClientsAPI.ClientBody(client), in: workspace, at: now)
            if stored.status != .converted {
                try await outbox.record(
                    .leadStatusChanged,
                    ChangeEventBody(
                        resource: LeadsAPI.LeadBody(lead), previousKey: "previousStatus", previous: stored.status),
                    in: workspace, at: now
                )
            }
            return (.created, try IdempotentCreation.json(LeadsAPI.Converted(leadId: lead.id, clientId: client.id)))
        }
    }
}
