import SQLKit

/// Webhooks (issue 5): endpoints, one delivery per event and endpoint, and every attempt at it.
///
/// A delivery is queued in the transaction that records its event (`Outbox.record`), so it exists exactly when
/// the change does. Workers claim due deliveries by setting `claimed_by`/`claimed_until`; a claim whose worker
/// died runs out and the delivery is claimed again (at least once).
struct CreateWebhooks: Migration {
    let version = 14

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE webhook_endpoints (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                url TEXT NOT NULL,
                events TEXT NOT NULL,
                description TEXT,
                secret TEXT NOT NULL,
                enabled BOOLEAN NOT NULL,
                disabled_reason TEXT,
                failing_since BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw("CREATE INDEX webhook_endpoints_workspace ON webhook_endpoints (workspace_id)").run()
        try await database.raw(
            """
            CREATE TABLE webhook_deliveries (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
                event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at BIGINT,
                claimed_by TEXT,
                claimed_until BIGINT,
                last_status_code INTEGER,
                last_error TEXT,
                created_at BIGINT NOT NULL,
                completed_at BIGINT
            )
            """
        ).run()
        // What workers scan: only pending deliveries, by due time.
        try await database.raw(
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending'"
        ).run()
        try await database.raw(
            "CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at)"
        ).run()
        try await database.raw(
            """
            CREATE TABLE webhook_attempts (
                delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
                number INTEGER NOT NULL,
                started_at BIGINT NOT NULL,
                latency_ms INTEGER NOT NULL,
                status_code INTEGER,
                error TEXT,
                response_excerpt TEXT,
                next_retry_at BIGINT,
                PRIMARY KEY (delivery_id, number)
            )
            """
        ).run()
    }
}
