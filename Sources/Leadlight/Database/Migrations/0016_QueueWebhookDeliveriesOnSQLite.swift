import SQLKit

/// On SQLite an event's webhook deliveries are queued by a trigger on `events`, so recording an event is one
/// statement inside the change's transaction: every statement there is a round trip to SQLite's thread, and the
/// writer serves one transaction at a time. (PostgreSQL does the same in one statement without a trigger, with a
/// data-modifying `WITH`: see `Outbox.record`.) A test event goes to one endpoint, by hand, never through this.
struct QueueWebhookDeliveriesOnSQLite: Migration {
    let version = 16

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        guard dialect == .sqlite else { return }
        try await database.raw(
            """
            CREATE TRIGGER events_queue_webhook_deliveries AFTER INSERT ON events
            WHEN NEW.type <> 'webhook.test'
            BEGIN
                INSERT INTO webhook_deliveries
                    (id, workspace_id, endpoint_id, event_id, state, attempts, next_attempt_at, created_at)
                SELECT 'dlv_' || substr(NEW.id, 5) || substr(id, 5), workspace_id, id, NEW.id, 'pending', 0,
                    NEW.occurred_at, NEW.occurred_at
                FROM webhook_endpoints
                WHERE workspace_id = NEW.workspace_id AND enabled = TRUE
                    AND (events = '*'
                        OR ' ' || events || ' ' LIKE '% ' || replace(NEW.type, '_', '\\_') || ' %' ESCAPE '\\');
            END
            """
        ).run()
    }
}
