import Foundation
import SQLKit

/// Records events. Always called with the transaction that makes the change, so there is no change without
/// its event and no event without its change, whatever happens to the process between the two statements.
/// The same transaction queues a webhook delivery of the event to each endpoint subscribed to it.
package struct Outbox: Sendable {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    /// Records `type` for the resource whose public JSON is `body`, and queues its webhook deliveries.
    @discardableResult
    package func record(
        _ type: EventType,
        _ body: some Encodable,
        in workspace: Workspace.ID,
        at now: Date
    ) async throws -> Event {
        let event = try await self.insert(type, body, in: workspace, at: now)
        try await WebhookDeliveryStore(database: self.database).queueToSubscribers(
            event.id, of: type, in: workspace, at: now)
        return event
    }

    /// Records a `webhook.test` event and queues it for `endpoint` alone.
    func recordTest(
        _ body: some Encodable, for endpoint: WebhookEndpoint.ID, in workspace: Workspace.ID, at now: Date
    ) async throws -> (Event, WebhookDelivery.ID) {
        let event = try await self.insert(.webhookTest, body, in: workspace, at: now)
        let deliveries = try await WebhookDeliveryStore(database: self.database).queue(
            event.id, in: workspace, to: [endpoint], at: now)
        return (event, deliveries[0])
    }

    private func insert(
        _ type: EventType,
        _ body: some Encodable,
        in workspace: Workspace.ID,
        at now: Date
    ) async throws -> Event {
        let data = String(decoding: try Self.encoder.encode(body), as: UTF8.self)
        let event = Event(id: .generate(), workspaceID: workspace, type: type, data: data, occurredAt: now)
        try await self.database.insert(into: "events")
            .columns("id", "workspace_id", "type", "data", "occurred_at")
            .values(
                SQLBind(event.id.rawValue), SQLBind(workspace.rawValue), SQLBind(type.rawValue), SQLBind(data),
                SQLBind(now.millisecondsSince1970)
            )
            .run()
        return event
    }

    /// The workspace's events, in the order they were recorded.
    package func events(in workspace: Workspace.ID) async throws -> [Event] {
        try await self.database.select().column("*").from("events")
            .where("workspace_id", .equal, workspace.rawValue)
            .orderBy("seq")
            .all()
            .map { row in
                Event(
                    id: Event.ID(rawValue: try row.decode(column: "id", as: String.self)),
                    workspaceID: Workspace.ID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                    type: try row.decode(rawValueOf: "type", as: EventType.self),
                    data: try row.decode(column: "data", as: String.self),
                    occurredAt: Date(millisecondsSince1970: try row.decode(column: "occurred_at", as: Int64.self))
                )
            }
    }

    /// Sorted keys, so the same resource always gives the same bytes.
    private static let encoder: JSONEncoder = {
        let encoder = LeadlightJSON.encoder()
        encoder.outputFormatting.insert(.sortedKeys)
        return encoder
    }()
}
