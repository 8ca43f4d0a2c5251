import Foundation
import SQLKit

/// What can be done with a workspace's webhook endpoints; the API and the CLI both call exactly this.
package struct WebhookEndpoints: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock
    let policy: WebhookTargetPolicy

    package init(database: LeadlightDatabase, clock: WallClock, policy: WebhookTargetPolicy) {
        self.database = database
        self.clock = clock
        self.policy = policy
    }

    /// A new endpoint with a new secret, not yet stored (the caller inserts it, the API inside its idempotent
    /// creation), or a `ValidationFailure` naming every bad field, the URL's target included.
    package func create(
        _ changes: WebhookEndpointChanges, in workspace: Workspace.ID
    ) async throws -> WebhookEndpoint {
        let endpoint = try changes.makeEndpoint(id: .generate(), in: workspace, at: self.clock.now)
        try await self.checkTarget(endpoint.url)
        return endpoint
    }

    /// Creates and stores a new endpoint (the CLI and the dashboard; the API stores it inside its idempotent
    /// creation, with `store(_:within:)`).
    package func register(
        _ changes: WebhookEndpointChanges, in workspace: Workspace.ID
    ) async throws -> WebhookEndpoint {
        let endpoint = try await self.create(changes, in: workspace)
        try await self.database.transaction { tx in try await self.store(endpoint, within: tx) }
        return endpoint
    }

    /// Stores an endpoint `create` made, inside a transaction the caller owns.
    package func store(_ endpoint: WebhookEndpoint, within tx: any SQLDatabase) async throws {
        try await WebhookEndpointStore(database: tx).insert(endpoint)
    }

    package func update(
        _ id: WebhookEndpoint.ID, with changes: WebhookEndpointChanges, in workspace: Workspace.ID
    ) async throws -> WebhookEndpoint {
        try changes.check()
        if let url = changes.url { try await self.checkTarget(url) }
        let now = self.clock.now
        let updated: WebhookEndpoint? = try await self.database.transaction { tx in
            let store = WebhookEndpointStore(database: tx)
            guard let stored = try await store.find(id, in: workspace) else { return nil }
            let endpoint = try changes.applied(to: stored, at: now)
            if endpoint != stored { try await store.update(endpoint) }
            return endpoint
        }
        guard let updated else { throw APIError.notFound("webhook endpoint") }
        return updated
    }

    /// Unsubscribes: the endpoint, its pending deliveries and its log are gone.
    package func delete(_ id: WebhookEndpoint.ID, in workspace: Workspace.ID) async throws {
        let deleted = try await self.database.transaction { tx in
            try await WebhookEndpointStore(database: tx).delete(id, in: workspace)
        }
        guard deleted else { throw APIError.notFound("webhook endpoint") }
    }

    /// A new secret, shown this once; the old one stops signing at once.
    package func rotateSecret(_ id: WebhookEndpoint.ID, in workspace: Workspace.ID) async throws -> WebhookEndpoint {
        let now = self.clock.now
        let rotated: WebhookEndpoint? = try await self.database.transaction { tx in
            let store = WebhookEndpointStore(database: tx)
            guard var endpoint = try await store.find(id, in: workspace) else { return nil }
            endpoint.secret = .generate()
            endpoint.updatedAt = now
            try await store.update(endpoint)
            return endpoint
        }
        guard let rotated else { throw APIError.notFound("webhook endpoint") }
        return rotated
    }

    package func list(in workspace: Workspace.ID) async throws -> [WebhookEndpoint] {
        try await WebhookEndpointStore(database: self.database.sql).list(in: workspace)
    }

    package func find(_ id: WebhookEndpoint.ID, in workspace: Workspace.ID) async throws -> WebhookEndpoint {
        guard let endpoint = try await WebhookEndpointStore(database: self.database.sql).find(id, in: workspace) else {
            throw APIError.notFound("webhook endpoint")  // another workspace's endpoint is "not found" too
        }
        return endpoint
    }

    /// Queues a `webhook.test` event for this endpoint alone; its delivery shows in the log like any other.
    package func sendTest(_ id: WebhookEndpoint.ID, in workspace: Workspace.ID) async throws -> WebhooksAPI.Queued {
        let endpoint = try await self.enabled(id, in: workspace)
        let now = self.clock.now
        let (event, delivery) = try await self.database.transaction { tx in
            try await Outbox(database: tx).recordTest(
                WebhooksAPI.TestEventData(webhookId: endpoint.id), for: endpoint.id, in: workspace, at: now
            )
        }
        return WebhooksAPI.Queued(eventId: event.id, deliveryId: delivery)
    }

    /// One page of the delivery log, each delivery with its attempts.
    package func deliveries(
        of id: WebhookEndpoint.ID, in workspace: Workspace.ID, query: WebhookDeliveryQuery
    ) async throws -> WebhooksAPI.DeliveryList {
        let endpoint = try await self.find(id, in: workspace)
        let store = WebhookDeliveryStore(database: self.database.sql)
        let (deliveries, total) = try await store.list(
            for: endpoint.id, in: workspace, state: query.state, limit: query.limit, offset: query.offset
        )
        let attempts = try await store.attempts(of: deliveries.map(\.id))
        return WebhooksAPI.DeliveryList(
            deliveries: deliveries.map { WebhooksAPI.DeliveryBody($0, attempts: attempts[$0.id] ?? []) }, total: total
        )
    }

    package func delivery(
        _ deliveryID: WebhookDelivery.ID, of id: WebhookEndpoint.ID, in workspace: Workspace.ID
    ) async throws -> WebhooksAPI.DeliveryBody {
        let store = WebhookDeliveryStore(database: self.database.sql)
        guard let delivery = try await store.find(deliveryID, for: id, in: workspace) else {
            throw APIError.notFound("delivery")
        }
        let attempts = try await store.attempts(of: [delivery.id])
        return WebhooksAPI.DeliveryBody(delivery, attempts: attempts[delivery.id] ?? [])
    }

    /// Sends a delivery's event to the endpoint again, as a new delivery due at once.
    package func redeliver(
        _ deliveryID: WebhookDelivery.ID, of id: WebhookEndpoint.ID, in workspace: Workspace.ID
    ) async throws -> WebhooksAPI.Queued {
        let endpoint = try await self.enabled(id, in: workspace)
        let now = self.clock.now
        let queued: (Event.ID, WebhookDelivery.ID)? = try await self.database.transaction { tx in
            let store = WebhookDeliveryStore(database: tx)
            guard let delivery = try await store.find(deliveryID, for: endpoint.id, in: workspace) else { return nil }
            let queued = try await store.queue(delivery.eventID, in: workspace, to: [endpoint.id], at: now)
            return (delivery.eventID, queued[0])
        }
        guard let queued else { throw APIError.notFound("delivery") }
        return WebhooksAPI.Queued(eventId: queued.0, deliveryId: queued.1)
    }

    private func enabled(_ id: WebhookEndpoint.ID, in workspace: Workspace.ID) async throws -> WebhookEndpoint {
        let endpoint = try await self.find(id, in: workspace)
        guard endpoint.enabled else {
            throw APIError.conflict(
                "The endpoint is disabled (\(endpoint.disabledReason ?? "by its owner")); "
                    + "enable it with PATCH {\"enabled\": true} first.",
                code: "endpoint_disabled"
            )
        }
        return endpoint
    }

    /// A URL whose host is not an allowed target is a 400 naming `url`.
    private func checkTarget(_ url: String) async throws {
        do {
            _ = try await self.policy.check(url)
        } catch {
            throw ValidationFailure(field: "url", message: "cannot be used: \(error.reason)")
        }
    }
}
