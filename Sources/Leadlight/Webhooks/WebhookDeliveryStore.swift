import Foundation
import SQLKit

/// Every query that touches `webhook_deliveries` and `webhook_attempts`: queueing, claiming, recording
/// attempts, and the delivery log.
package struct WebhookDeliveryStore: Sendable {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    /// On PostgreSQL, queueing deliveries notifies this channel at commit, and every worker process listens to it.
    static let notificationChannel = "leadlight_webhook_deliveries"

    /// Queues the event for each endpoint, due at once. Called in the transaction that records the event (or,
    /// to redeliver it by hand, later).
    @discardableResult
    func queue(
        _ event: Event.ID, in workspace: Workspace.ID, to endpoints: [WebhookEndpoint.ID], at now: Date
    ) async throws -> [WebhookDelivery.ID] {
        guard !endpoints.isEmpty else { return [] }
        CommitSignal.ringAfterCommit()  // wake this process's worker once they are visible
        let ids = endpoints.map { _ in WebhookDelivery.ID.generate() }
        try await self.database.insert(into: "webhook_deliveries")
            .columns(
                "id", "workspace_id", "endpoint_id", "event_id", "state", "attempts", "next_attempt_at", "created_at"
            )
            .rows(
                zip(ids, endpoints).map { id, endpoint in
                    [
                        SQLBind(id.rawValue), SQLBind(workspace.rawValue), SQLBind(endpoint.rawValue),
                        SQLBind(event.rawValue), SQLBind(WebhookDeliveryState.pending.rawValue), SQLBind(0),
                        SQLBind(now.millisecondsSince1970), SQLBind(now.millisecondsSince1970),
                    ]
                }
            )
            .run()
        if DatabaseDialect(of: self.database) == .postgres {
            try await self.database.raw("SELECT pg_notify(\(bind: Self.notificationChannel), '')::text AS notified")
                .run()
        }
        return ids
    }

    /// Claims up to `limit` due deliveries of enabled endpoints for `worker` until `until`, oldest due first.
    /// Run in a transaction. On PostgreSQL rows another worker is claiming are skipped (`FOR UPDATE SKIP
    /// LOCKED`), so any number of processes share the queue; on SQLite the write transaction serialises claims.
    func claimDue(
        limit: Int, by worker: String, until: Date, now: Date
    ) async throws -> [ClaimedWebhookDelivery] {
        let skipLocked: SQLQueryString =
            DatabaseDialect(of: self.database) == .postgres ? "FOR UPDATE OF d SKIP LOCKED" : ""
        let nowMS = now.millisecondsSince1970
        let claimed = try await self.database.raw(
            """
            UPDATE webhook_deliveries SET claimed_by = \(bind: worker), claimed_until = \(bind: until.millisecondsSince1970)
            WHERE id IN (
                SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                WHERE d.state = 'pending' AND d.next_attempt_at <= \(bind: nowMS)
                    AND (d.claimed_until IS NULL OR d.claimed_until < \(bind: nowMS)) AND e.enabled = TRUE
                ORDER BY d.next_attempt_at
                LIMIT \(bind: limit)
                \(skipLocked)
            )
            RETURNING id
            """
        ).all().map { try $0.decode(column: "id", as: String.self) }
        guard !claimed.isEmpty else { return [] }
        return try await self.database.raw(
            """
            SELECT d.id, d.attempts, d.endpoint_id, e.url, e.secret, ev.id AS event_id, ev.type, ev.data, w.agent_id
            FROM webhook_deliveries d
            JOIN webhook_endpoints e ON e.id = d.endpoint_id
            JOIN events ev ON ev.id = d.event_id
            JOIN workspaces w ON w.id = d.workspace_id
            WHERE d.id IN (\(binds: claimed))
            ORDER BY d.next_attempt_at
            """
        ).all().map { row in
            ClaimedWebhookDelivery(
                id: WebhookDelivery.ID(rawValue: try row.decode(column: "id", as: String.self)),
                previousAttempts: try row.decode(column: "attempts", as: Int.self),
                endpointID: WebhookEndpoint.ID(rawValue: try row.decode(column: "endpoint_id", as: String.self)),
                url: try row.decode(column: "url", as: String.self),
                secret: WebhookSecret(value: try row.decode(column: "secret", as: String.self)),
                eventID: Event.ID(rawValue: try row.decode(column: "event_id", as: String.self)),
                eventType: try row.decode(rawValueOf: "type", as: EventType.self),
                data: try row.decode(column: "data", as: String.self),
                agentID: try row.decode(column: "agent_id", as: String.self)
            )
        }
    }

    /// Records finished attempts and moves their deliveries on: delivered, due again later, or failed. Also
    /// keeps each endpoint's failure run: a success ends it; a 410 or a run longer than `disableAfter`
    /// disables the endpoint with the reason. Run in a transaction.
    ///
    /// A delivery is only moved on while `worker` still holds its claim: a worker that lost its claim (it was
    /// too slow and another took over) records its attempt but leaves the delivery to the new owner.
    func record(
        _ outcomes: [WebhookAttemptOutcome], by worker: String, now: Date, disableAfter: Duration
    ) async throws {
        guard !outcomes.isEmpty else { return }
        let nowMS = now.millisecondsSince1970
        try await self.database.raw(
            """
            INSERT INTO webhook_attempts
                (delivery_id, number, started_at, latency_ms, status_code, error, response_excerpt, next_retry_at)
            VALUES \(SQLList(outcomes.map { outcome in
                let attempt = outcome.attempt
                return SQLGroupExpression([
                    SQLBind(attempt.deliveryID.rawValue), SQLBind(attempt.number),
                    SQLBind(attempt.startedAt.millisecondsSince1970), SQLBind(attempt.latencyMilliseconds),
                    SQLBind.orNull(attempt.statusCode), SQLBind.orNull(attempt.error),
                    SQLBind.orNull(attempt.responseExcerpt), SQLBind.orNull(attempt.nextRetryAt?.millisecondsSince1970),
                ] as [any SQLExpression])
            }))
            ON CONFLICT DO NOTHING
            """
        ).run()
        // Every delivery moved on in one statement: a table of new values joined on the id.
        let rows = SQLList(
            outcomes.map { outcome in
                let attempt = outcome.attempt
                let state: WebhookDeliveryState =
                    attempt.succeeded ? .delivered : (attempt.nextRetryAt == nil ? .failed : .pending)
                return SQLGroupExpression(
                    [
                        SQLQueryString("CAST(\(bind: attempt.deliveryID.rawValue) AS TEXT)"),
                        SQLQueryString("CAST(\(bind: attempt.number) AS INTEGER)"),
                        SQLQueryString("CAST(\(bind: state.rawValue) AS TEXT)"),
                        SQLQueryString("CAST(\(SQLBind.orNull(attempt.nextRetryAt?.millisecondsSince1970)) AS BIGINT)"),
                        SQLQueryString("CAST(\(SQLBind.orNull(attempt.statusCode)) AS INTEGER)"),
                        SQLQueryString("CAST(\(SQLBind.orNull(attempt.error)) AS TEXT)"),
                        SQLQueryString("CAST(\(state == .pending ? SQLLiteral.null : SQLBind(nowMS)) AS BIGINT)"),
                    ] as [any SQLExpression])
            }
        )
        try await self.database.raw(
            """
            WITH outcome (id, attempts, state, next_attempt_at, status_code, error, completed_at) AS (VALUES \(rows))
            UPDATE webhook_deliveries SET attempts = outcome.attempts, state = outcome.state,
                next_attempt_at = outcome.next_attempt_at, claimed_by = NULL, claimed_until = NULL,
                last_status_code = outcome.status_code, last_error = outcome.error, completed_at = outcome.completed_at
            FROM outcome
            WHERE webhook_deliveries.id = outcome.id AND webhook_deliveries.claimed_by = \(bind: worker)
            """
        ).run()
        try await self.updateEndpoints(after: outcomes, now: now, disableAfter: disableAfter)
    }

    private func updateEndpoints(after outcomes: [WebhookAttemptOutcome], now: Date, disableAfter: Duration)
        async throws
    {
        let nowMS = now.millisecondsSince1970
        let byEndpoint = Dictionary(grouping: outcomes, by: \.endpointID)
        for (endpoint, outcomes) in byEndpoint.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            if let gone = outcomes.first(where: { $0.attempt.statusCode == 410 }) {
                try await self.disable(
                    endpoint,
                    reason: "The receiver answered 410 Gone at \(LeadlightJSON.timestamp(gone.attempt.startedAt)); "
                        + "deliveries stopped. Enable the endpoint to resume them.",
                    now: now
                )
            } else if outcomes.contains(where: \.attempt.succeeded) {
                try await self.database.update("webhook_endpoints")
                    .set("failing_since", to: SQLLiteral.null)
                    .where("id", .equal, endpoint.rawValue)
                    .where("failing_since", .isNot, SQLLiteral.null)
                    .run()
            } else {
                let since = outcomes.map(\.attempt.startedAt).min() ?? now
                try await self.database.raw(
                    """
                    UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, \(bind: since.millisecondsSince1970))
                    WHERE id = \(bind: endpoint.rawValue)
                    """
                ).run()
                let threshold = nowMS - Int64(disableAfter / .milliseconds(1))
                let failingFor = try await self.database.select().column("failing_since").from("webhook_endpoints")
                    .where("id", .equal, endpoint.rawValue)
                    .where("enabled", .equal, true)
                    .where("failing_since", .lessThanOrEqual, threshold)
                    .first()?.decode(column: "failing_since", as: Int64.self)
                if let failingFor {
                    let last = outcomes.last?.attempt.error ?? "no answer"
                    try await self.disable(
                        endpoint,
                        reason: "Every delivery has failed since "
                            + "\(LeadlightJSON.timestamp(Date(millisecondsSince1970: failingFor))) "
                            + "(last: \(last)); deliveries stopped. Enable the endpoint to resume them.",
                        now: now
                    )
                }
            }
        }
    }

    private func disable(_ endpoint: WebhookEndpoint.ID, reason: String, now: Date) async throws {
        try await self.database.update("webhook_endpoints")
            .set("enabled", to: false)
            .set("disabled_reason", to: reason)
            .set("updated_at", to: now.millisecondsSince1970)
            .where("id", .equal, endpoint.rawValue)
            .where("enabled", .equal, true)
            .run()
    }

    /// Lets go of every claim `worker` still holds, so other workers take those deliveries at once.
    /// What the workers have before them, for `/metrics`: deliveries waiting to be sent to enabled endpoints,
    /// and when the longest-waiting of those already due came due (nil when none is due).
    func queueSummary(now: Date) async throws -> (pending: Int, oldestDue: Date?) {
        let row = try await self.database.raw(
            """
            SELECT count(*) AS pending,
                min(CASE WHEN d.next_attempt_at <= \(bind: now.millisecondsSince1970) THEN d.next_attempt_at END) AS due
            FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
            WHERE d.state = 'pending' AND e.enabled = TRUE
            """
        ).first()
        let due = try row?.decode(column: "due", as: Int64?.self)
        return (try row?.decode(column: "pending", as: Int.self) ?? 0, due.map(Date.init(millisecondsSince1970:)))
    }

    func releaseClaims(of worker: String) async throws {
        try await self.database.update("webhook_deliveries")
            .set("claimed_by", to: SQLLiteral.null)
            .set("claimed_until", to: SQLLiteral.null)
            .where("claimed_by", .equal, worker)
            .run()
    }

    // MARK: The delivery log

    /// One page of the endpoint's deliveries, newest first, and how many there are.
    package func list(
        for endpoint: WebhookEndpoint.ID, in workspace: Workspace.ID, state: WebhookDeliveryState?, limit: Int,
        offset: Int
    ) async throws -> (deliveries: [WebhookDelivery], total: Int) {
        let stateFilter: SQLQueryString = state.map { "AND d.state = \(bind: $0.rawValue)" } ?? ""
        let page = try await self.database.raw(
            """
            SELECT d.*, ev.type FROM webhook_deliveries d JOIN events ev ON ev.id = d.event_id
            WHERE d.workspace_id = \(bind: workspace.rawValue) AND d.endpoint_id = \(bind: endpoint.rawValue) \(stateFilter)
            ORDER BY d.created_at DESC, d.id DESC
            LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
        ).all().map(WebhookDelivery.init(row:))
        let total =
            try await self.database.raw(
                """
                SELECT COUNT(*) AS n FROM webhook_deliveries d
                WHERE d.workspace_id = \(bind: workspace.rawValue) AND d.endpoint_id = \(bind: endpoint.rawValue) \(stateFilter)
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        return (page, total)
    }

    package func find(
        _ id: WebhookDelivery.ID, for endpoint: WebhookEndpoint.ID, in workspace: Workspace.ID
    ) async throws -> WebhookDelivery? {
        try await self.database.raw(
            """
            SELECT d.*, ev.type FROM webhook_deliveries d JOIN events ev ON ev.id = d.event_id
            WHERE d.workspace_id = \(bind: workspace.rawValue) AND d.endpoint_id = \(bind: endpoint.rawValue)
                AND d.id = \(bind: id.rawValue)
            """
        ).first().map(WebhookDelivery.init(row:))
    }

    /// The attempts of the given deliveries, by delivery, in order.
    package func attempts(of deliveries: [WebhookDelivery.ID]) async throws -> [WebhookDelivery.ID: [WebhookAttempt]] {
        guard !deliveries.isEmpty else { return [:] }
        let attempts = try await self.database.select().column("*").from("webhook_attempts")
            .where("delivery_id", .in, deliveries.map(\.rawValue))
            .orderBy("delivery_id")
            .orderBy("number")
            .all()
            .map(WebhookAttempt.init(row:))
        return Dictionary(grouping: attempts, by: \.deliveryID)
    }
}

extension WebhookDelivery {
    init(row: any SQLRow) throws {
        self.init(
            id: ID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: Workspace.ID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            endpointID: WebhookEndpoint.ID(rawValue: try row.decode(column: "endpoint_id", as: String.self)),
            eventID: Event.ID(rawValue: try row.decode(column: "event_id", as: String.self)),
            eventType: try row.decode(rawValueOf: "type", as: EventType.self),
            state: try row.decode(rawValueOf: "state", as: WebhookDeliveryState.self),
            attempts: try row.decode(column: "attempts", as: Int.self),
            nextAttemptAt: try row.decodeIfPresent(column: "next_attempt_at", as: Int64.self)
                .map(Date.init(millisecondsSince1970:)),
            lastStatusCode: try row.decodeIfPresent(column: "last_status_code", as: Int.self),
            lastError: try row.decodeIfPresent(column: "last_error", as: String.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            completedAt: try row.decodeIfPresent(column: "completed_at", as: Int64.self)
                .map(Date.init(millisecondsSince1970:))
        )
    }
}

extension WebhookAttempt {
    init(row: any SQLRow) throws {
        self.init(
            deliveryID: WebhookDelivery.ID(rawValue: try row.decode(column: "delivery_id", as: String.self)),
            number: try row.decode(column: "number", as: Int.self),
            startedAt: Date(millisecondsSince1970: try row.decode(column: "started_at", as: Int64.self)),
            latencyMilliseconds: try row.decode(column: "latency_ms", as: Int.self),
            statusCode: try row.decodeIfPresent(column: "status_code", as: Int.self),
            error: try row.decodeIfPresent(column: "error", as: String.self),
            responseExcerpt: try row.decodeIfPresent(column: "response_excerpt", as: String.self),
            nextRetryAt: try row.decodeIfPresent(column: "next_retry_at", as: Int64.self)
                .map(Date.init(millisecondsSince1970:))
        )
    }
}
