import Foundation
import SQLKit

/// Every query that touches `webhook_endpoints`.
package struct WebhookEndpointStore: Sendable {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    package func insert(_ endpoint: WebhookEndpoint) async throws {
        try await self.database.insert(into: "webhook_endpoints")
            .columns(
                "id", "workspace_id", "url", "events", "description", "secret", "enabled", "disabled_reason",
                "failing_since", "created_at", "updated_at"
            )
            .values(
                SQLBind(endpoint.id.rawValue), SQLBind(endpoint.workspaceID.rawValue), SQLBind(endpoint.url),
                SQLBind(endpoint.events.stored), SQLBind.orNull(endpoint.description), SQLBind(endpoint.secret.value),
                SQLBind(endpoint.enabled), SQLBind.orNull(endpoint.disabledReason),
                SQLBind.orNull(endpoint.failingSince?.millisecondsSince1970),
                SQLBind(endpoint.createdAt.millisecondsSince1970), SQLBind(endpoint.updatedAt.millisecondsSince1970)
            )
            .run()
    }

    func update(_ endpoint: WebhookEndpoint) async throws {
        try await self.database.update("webhook_endpoints")
            .set("url", to: endpoint.url)
            .set("events", to: endpoint.events.stored)
            .set("description", to: SQLBind.orNull(endpoint.description))
            .set("secret", to: endpoint.secret.value)
            .set("enabled", to: endpoint.enabled)
            .set("disabled_reason", to: SQLBind.orNull(endpoint.disabledReason))
            .set("failing_since", to: SQLBind.orNull(endpoint.failingSince?.millisecondsSince1970))
            .set("updated_at", to: endpoint.updatedAt.millisecondsSince1970)
            .where("workspace_id", .equal, endpoint.workspaceID.rawValue)
            .where("id", .equal, endpoint.id.rawValue)
            .run()
    }

    /// Deletes the endpoint with its deliveries and their log; false when there was none.
    func delete(_ id: WebhookEndpoint.ID, in workspace: Workspace.ID) async throws -> Bool {
        let deleted = try await self.database.delete(from: "webhook_endpoints")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("id", .equal, id.rawValue)
            .returning("id")
            .all()
        return !deleted.isEmpty
    }

    package func find(_ id: WebhookEndpoint.ID, in workspace: Workspace.ID) async throws -> WebhookEndpoint? {
        try await self.database.select().column("*").from("webhook_endpoints")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("id", .equal, id.rawValue)
            .first()
            .map(WebhookEndpoint.init(row:))
    }

    package func list(in workspace: Workspace.ID) async throws -> [WebhookEndpoint] {
        try await self.database.select().column("*").from("webhook_endpoints")
            .where("workspace_id", .equal, workspace.rawValue)
            .orderBy("created_at")
            .orderBy("id")
            .all()
            .map(WebhookEndpoint.init(row:))
    }
}

extension WebhookEndpoint {
    init(row: any SQLRow) throws {
        self.init(
            id: ID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: Workspace.ID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            url: try row.decode(column: "url", as: String.self),
            events: WebhookEventSelection(stored: try row.decode(column: "events", as: String.self)),
            description: try row.decodeIfPresent(column: "description", as: String.self),
            secret: WebhookSecret(value: try row.decode(column: "secret", as: String.self)),
            enabled: try row.decode(column: "enabled", as: Bool.self),
            disabledReason: try row.decodeIfPresent(column: "disabled_reason", as: String.self),
            failingSince: try row.decodeIfPresent(column: "failing_since", as: Int64.self)
                .map(Date.init(millisecondsSince1970:)),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self))
        )
    }
}
