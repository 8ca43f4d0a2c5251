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

    /// Records `type` for the resource whose public JSON is `body`, and queues a webhook delivery of it to each
    /// enabled endpoint of the workspace subscribed to it, chosen by the database in this same statement, so an
    /// endpoint registered by another process a moment earlier is never missed. The same statement indexes the
    /// records the event is about, for their timelines (migration 18).
    @discardableResult
    package func record(
        _ type: EventType,
        _ body: some Encodable,
        in workspace: Workspace.ID,
        at now: Date
    ) async throws -> Event {
        let event = try Self.event(type, body, in: workspace, at: now)
        switch DatabaseDialect(of: self.database) {
        case .sqlite,
            .postgres where type == .webhookTest:
            // on SQLite the trigger of migration 16 queues the deliveries (never for a test event, sent by hand);
            // ring whether or not it queued any: a wasted wake costs the worker one claim query
            try await self.insert(event)
            CommitSignal.ringAfterCommit()
        case .postgres:
            let pattern = "% " + type.rawValue.replacingOccurrences(of: "_", with: "\\_") + " %"
            let queued = try await self.database.raw(
                """
                WITH event AS (
                    INSERT INTO events (id, workspace_id, type, data, occurred_at)
                    VALUES (\(bind: event.id.rawValue), \(bind: workspace.rawValue), \(bind: type.rawValue),
                        \(bind: event.data), \(bind: now.millisecondsSince1970))
                    RETURNING id
                )
                , subjects AS (
                    -- the records the event is about, for their timelines (migration 18)
                    INSERT INTO event_subjects (workspace_id, subject_id, occurred_at, event_id)
                    SELECT DISTINCT \(bind: workspace.rawValue), s.subject, \(bind: now.millisecondsSince1970), event.id
                    FROM event CROSS JOIN unnest(ARRAY[
                        \(bind: event.data)::jsonb ->> 'id', \(bind: event.data)::jsonb ->> 'clientId',
                        \(bind: event.data)::jsonb ->> 'listingId']) AS s(subject)
                    WHERE s.subject IS NOT NULL
                )
                , queued AS (
                    INSERT INTO webhook_deliveries
                        (id, workspace_id, endpoint_id, event_id, state, attempts, next_attempt_at, created_at)
                    SELECT 'dlv_' || substr(event.id, 5) || substr(e.id, 5), e.workspace_id, e.id, event.id,
                        'pending', 0, \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970)
                    FROM webhook_endpoints e CROSS JOIN event
                    WHERE e.workspace_id = \(bind: workspace.rawValue) AND e.enabled = TRUE
                        AND (e.events = '*' OR ' ' || e.events || ' ' LIKE \(bind: pattern) ESCAPE '\\')
                    RETURNING id
                )
                -- wakes every worker process at commit (one notification per transaction, however many rows)
                SELECT id, pg_notify(\(bind: WebhookDeliveryStore.notificationChannel), '')::text AS notified
                FROM queued
                """
            ).all()
            if !queued.isEmpty { CommitSignal.ringAfterCommit() }  // wake this process's worker once they are visible
        }
        return event
    }

    /// Records a `webhook.test` event and queues it for `endpoint` alone.
    func recordTest(
        _ body: some Encodable, for endpoint: WebhookEndpoint.ID, in workspace: Workspace.ID, at now: Date
    ) async throws -> (Event, WebhookDelivery.ID) {
        let event = try Self.event(.webhookTest, body, in: workspace, at: now)
        try await self.insert(event)
        let deliveries = try await WebhookDeliveryStore(database: self.database).queue(
            event.id, in: workspace, to: [endpoint], at: now)
        return (event, deliveries[0])
    }

    private static func event(
        _ type: EventType, _ body: some Encodable, in workspace: Workspace.ID, at now: Date
    ) throws -> Event {
        let data =
            try (body as? any WritesEventJSON)?.eventJSON()
            ?? String(decoding: try Self.encoder.encode(body), as: UTF8.self)
        return Event(id: .generate(), workspaceID: workspace, type: type, data: data, occurredAt: now)
    }

    /// Written out rather than built, as `LeadStore.insert` is: every change runs it on the writer's thread.
    private func insert(_ event: Event) async throws {
        try await self.database.raw(
            """
            INSERT INTO events (id, workspace_id, type, data, occurred_at) VALUES (\(bind: event.id.rawValue), \
            \(bind: event.workspaceID.rawValue), \(bind: event.type.rawValue), \(bind: event.data), \
            \(bind: event.occurredAt.millisecondsSince1970))
            """
        ).run()
    }

    /// The workspace's events, in the order they were recorded.
    package func events(in workspace: Workspace.ID) async throws -> [Event] {
        try await self.database.select().column("*").from("events")
            .where("workspace_id", .equal, workspace.rawValue)
            .orderBy("seq")
            .all()
            .map(Event.init(row:))
    }

    /// Sorted keys, so the same resource always gives the same bytes.
    static let encoder: JSONEncoder = {
        let encoder = LeadlightJSON.encoder()
        encoder.outputFormatting.insert(.sortedKeys)
        return encoder
    }()
}

/// A body whose event JSON is written directly, the same bytes as `Outbox.encoder` writes (`JSONEncoder`, keys
/// sorted): for the events made most, where the encoder was a seventh of a create's time.
protocol WritesEventJSON {
    func eventJSON() -> String
}
