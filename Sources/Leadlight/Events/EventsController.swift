import Hummingbird

/// `/api/v1/events`: the workspace's recorded events, newest first, each in the body its webhook delivery
/// carries, for receivers catching up after downtime and for polling triggers (Zapier's "new event").
struct EventsController {
    let database: LeadlightDatabase

    var routes: RouteCollection<APIContext> {
        RouteCollection(context: APIContext.self)
            .get(use: self.list)
            .get("{id}", use: self.show)
    }

    func list(_ request: Request, context: APIContext) async throws -> Response {
        let query = try EventQuery(validating: request.uri.queryParameters)
        let workspace = try await WorkspaceStore(database: self.database.sql).require(try context.workspaceID)
        let (events, hasMore) = try await EventStore(database: self.database.sql).page(query, in: workspace.id)
        var json = JSONWriter(capacity: 64 + events.count * 400)
        json.beginObject()
        json.beginArray("events")
        for event in events { Self.write(event, agentID: workspace.agentID.rawValue, to: &json) }
        json.endArray()
        json.write("hasMore", hasMore)
        json.endObject()
        return .json(json.buffer)
    }

    func show(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Event.ID.self)
        let workspace = try await WorkspaceStore(database: self.database.sql).require(try context.workspaceID)
        guard let event = try await EventStore(database: self.database.sql).find(id, in: workspace.id) else {
            throw APIError.notFound("event")
        }
        var json = JSONWriter(capacity: 400)
        Self.write(event, agentID: workspace.agentID.rawValue, to: &json)
        return .json(json.buffer)
    }

    /// `{"id", "event", "timestamp", "agentId", "data"}`: a webhook delivery's body and the event's id, with
    /// `timestamp` the time the event was recorded, in Unix milliseconds as a string.
    private static func write(_ event: Event, agentID: String, to json: inout JSONWriter) {
        json.beginObject()
        json.write("id", event.id.rawValue)
        json.write("event", event.type.rawValue)
        json.write("timestamp", String(event.occurredAt.millisecondsSince1970))
        json.write("agentId", agentID)
        json.writeRaw("data", json: event.data)
        json.endObject()
    }
}
