import Foundation
import Hummingbird

/// `/api/v1/webhooks`: endpoints in the REST-hook style Zapier and Make.com use (subscribe with a URL and
/// events, unsubscribe with DELETE), their secrets, the delivery log, redelivery and test events.
struct WebhooksController {
    let database: LeadlightDatabase
    let clock: WallClock
    let endpoints: WebhookEndpoints

    init(database: LeadlightDatabase, clock: WallClock, policy: WebhookTargetPolicy) {
        self.database = database
        self.clock = clock
        self.endpoints = WebhookEndpoints(database: database, clock: clock, policy: policy)
    }

    var routes: RouteCollection<APIContext> {
        RouteCollection(context: APIContext.self)
            .get(use: self.list)
            .post(use: self.create)
            .get("{id}", use: self.show)
            .patch("{id}", use: self.update)
            .delete("{id}", use: self.delete)
            .post("{id}/rotate-secret", use: self.rotateSecret)
            .post("{id}/test", use: self.sendTest)
            .get("{id}/deliveries", use: self.deliveries)
            .get("{id}/deliveries/{deliveryId}", use: self.delivery)
            .post("{id}/deliveries/{deliveryId}/redeliver", use: self.redeliver)
    }

    func list(_ request: Request, context: APIContext) async throws -> WebhooksAPI.EndpointList {
        let endpoints = try await WebhookEndpointStore(database: self.database.sql).list(in: try context.workspaceID)
        return WebhooksAPI.EndpointList(webhooks: endpoints.map(WebhooksAPI.EndpointBody.init), total: endpoints.count)
    }

    /// Answers 201 with the endpoint and its secret, shown this once; safe to retry with an `Idempotency-Key`.
    func create(_ request: Request, context: APIContext) async throws -> Response {
        let body = try await request.jsonBody(context: context)
        let changes = try Request.decodeJSON(as: WebhookEndpointChanges.self, from: body)
        let endpoint = try await self.endpoints.create(changes, in: try context.workspaceID)
        return try await IdempotentCreation(database: self.database, clock: self.clock).respond(
            to: request, body: body, context: context
        ) { tx in
            try await self.endpoints.store(endpoint, within: tx)
            return (.created, try IdempotentCreation.json(WebhooksAPI.EndpointWithSecret(endpoint)))
        }
    }

    func show(_ request: Request, context: APIContext) async throws -> WebhooksAPI.EndpointBody {
        WebhooksAPI.EndpointBody(try await self.endpoints.find(try self.id(context), in: try context.workspaceID))
    }

    /// Changes the fields sent. `"enabled": true` turns a disabled endpoint back on; its waiting deliveries resume.
    func update(_ request: Request, context: APIContext) async throws -> WebhooksAPI.EndpointBody {
        let changes = try await request.decodeJSON(as: WebhookEndpointChanges.self, context: context)
        let updated = try await self.endpoints.update(try self.id(context), with: changes, in: try context.workspaceID)
        return WebhooksAPI.EndpointBody(updated)
    }

    func delete(_ request: Request, context: APIContext) async throws -> WebhooksAPI.Deleted {
        let id = try self.id(context)
        try await self.endpoints.delete(id, in: try context.workspaceID)
        return WebhooksAPI.Deleted(id: id)
    }

    func rotateSecret(_ request: Request, context: APIContext) async throws -> WebhooksAPI.EndpointWithSecret {
        WebhooksAPI.EndpointWithSecret(
            try await self.endpoints.rotateSecret(try self.id(context), in: try context.workspaceID)
        )
    }

    func sendTest(_ request: Request, context: APIContext) async throws -> EditedResponse<WebhooksAPI.Queued> {
        EditedResponse(
            status: .accepted,
            response: try await self.endpoints.sendTest(try self.id(context), in: try context.workspaceID)
        )
    }

    func deliveries(_ request: Request, context: APIContext) async throws -> WebhooksAPI.DeliveryList {
        let query = try WebhookDeliveryQuery(validating: request.uri.queryParameters)
        return try await self.endpoints.deliveries(of: try self.id(context), in: try context.workspaceID, query: query)
    }

    func delivery(_ request: Request, context: APIContext) async throws -> WebhooksAPI.DeliveryBody {
        let delivery = try context.parameters.require("deliveryId", as: WebhookDelivery.ID.self)
        return try await self.endpoints.delivery(delivery, of: try self.id(context), in: try context.workspaceID)
    }

    func redeliver(_ request: Request, context: APIContext) async throws -> EditedResponse<WebhooksAPI.Queued> {
        let delivery = try context.parameters.require("deliveryId", as: WebhookDelivery.ID.self)
        return EditedResponse(
            status: .accepted,
            response: try await self.endpoints.redeliver(
                delivery, of: try self.id(context), in: try context.workspaceID)
        )
    }

    private func id(_ context: APIContext) throws -> WebhookEndpoint.ID {
        try context.parameters.require("id", as: WebhookEndpoint.ID.self)
    }
}
