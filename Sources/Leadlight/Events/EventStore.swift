import SQLKit

/// Reads the outbox for `GET /api/v1/events`: a workspace's recorded events, newest first (by `seq`, the order
/// they were recorded in, across processes).
struct EventStore {
    let database: any SQLDatabase

    /// The newest `query.limit` events the query selects, and whether older ones are left.
    func page(_ query: EventQuery, in workspace: Workspace.ID) async throws -> (events: [Event], hasMore: Bool) {
        var select = self.events(in: workspace)
        if query.types.isEmpty {
            // a test event is not a change: listed only when asked for by name
            select = select.where("type", .notEqual, EventType.webhookTest.rawValue)
        } else {
            select = select.where("type", .in, query.types.map(\.rawValue).sorted())
        }
        if let after = query.after {
            select = select.where(
                "seq", .greaterThan, try await self.sequence(of: after, in: workspace, field: "after"))
        }
        if let before = query.before {
            select = select.where("seq", .lessThan, try await self.sequence(of: before, in: workspace, field: "before"))
        }
        let rows = try await select.orderBy("seq", .descending).limit(query.limit + 1).all()
        let events = try rows.prefix(query.limit).map(Event.init(row:))
        return (events, rows.count > query.limit)
    }

    /// The event, if it is this workspace's.
    func find(_ id: Event.ID, in workspace: Workspace.ID) async throws -> Event? {
        try await self.events(in: workspace)
            .where("id", .equal, id.rawValue)
            .first()
            .map(Event.init(row:))
    }

    /// The workspace's events, with the columns `Event` is read from.
    private func events(in workspace: Workspace.ID) -> SQLSelectBuilder {
        self.database.select()
            .columns("id", "workspace_id", "type", "data", "occurred_at")
            .from("events")
            .where("workspace_id", .equal, workspace.rawValue)
    }

    /// Where a cursor's event stands in the order; another workspace's event, or none, is a 400 naming `field`.
    private func sequence(of id: Event.ID, in workspace: Workspace.ID, field: String) async throws -> Int64 {
        let row = try await self.database.select().column("seq").from("events")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("id", .equal, id.rawValue)
            .first()
        guard let row else {
            throw ValidationFailure(field: field, message: "is not an event of this workspace")
        }
        return try row.decode(column: "seq", as: Int64.self)
    }
}
