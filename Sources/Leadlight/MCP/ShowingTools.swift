import Foundation
import MCP

/// Showings for an assistant: find them, read one, book one for a client, confirm or cancel it.
enum ShowingTools {
    static let all: [MCPTool] = [search, get, request, confirm, cancel]

    static let search = MCPTool(
        "search_showings", title: "Search showings",
        description: """
            Finds showings, newest first: of a client (clientId), of a listing (listingId), by status (requested, \
            confirmed, completed, cancelled). At most 20 a page (limit, up to 50), with a nextCursor.
            """,
        input: WorkspaceTools.object(
            WorkspaceTools.pageProperties.merging([
                "clientId": ["type": "string"], "listingId": ["type": "string"],
                "status": MCPSchemas.property("status", of: "Showing"),
                "archived": ["type": "boolean", "description": "true for archived showings instead of those in use."],
            ]) { $1 }),
        output: WorkspaceTools.pageSchema("showings", of: "Showing"), readOnly: true, idempotent: true
    ) { arguments, tools in
        let query = try arguments.query(
            ["clientId": "clientId", "listingId": "listingId", "status": "status", "archived": "archived"]
        ) { try ShowingQuery(validating: $0) }
        let (showings, total) = try await ShowingStore(database: tools.database.sql).list(query, in: tools.workspace)
        return try WorkspaceTools.page(
            "showings", showings, total: total, offset: query.offset, as: ShowingsAPI.ShowingBody.init)
    }

    static let get = MCPTool(
        "get_showing", title: "Get a showing", description: "Reads one showing by its id (shw_…).",
        input: WorkspaceTools.object(["id": ["type": "string"]], required: ["id"]),
        output: MCPSchemas.named("Showing"), readOnly: true, idempotent: true
    ) { arguments, tools in
        try Value.encoding(
            ShowingsAPI.ShowingBody(try await Self.find(try arguments.id("id", as: Showing.ID.self), tools)))
    }

    static let request = MCPTool(
        "request_showing", title: "Book a showing",
        description: """
            Books a showing of a listing (listingId) for a client (clientId), status requested, at a preferred \
            time (ISO 8601, e.g. 2026-12-12T10:00:00Z) if one is known. Recorded as showing.requested.
            """,
        input: WorkspaceTools.object(
            WorkspaceTools.properties(of: "ShowingInput", dropping: ["status"]), required: ["clientId", "listingId"]),
        output: MCPSchemas.named("Showing"), readOnly: false, idempotent: false
    ) { arguments, tools in
        let changes = try arguments.body(as: ShowingChanges.self)
        let showing = try await ShowingOperations(database: tools.database, clock: tools.clock).request(
            changes, in: tools.workspace)
        return try Value.encoding(ShowingsAPI.ShowingBody(showing))
    }

    static let confirm = MCPTool(
        "confirm_showing", title: "Confirm a showing",
        description: "Confirms a showing (id), at a new preferred time if given.",
        input: WorkspaceTools.object(
            ["id": ["type": "string"], "preferredTime": MCPSchemas.property("preferredTime", of: "Showing")],
            required: ["id"]),
        output: MCPSchemas.named("Showing"), readOnly: false, idempotent: true
    ) { arguments, tools in
        try await Self.change(arguments, to: "confirmed", tools)
    }

    static let cancel = MCPTool(
        "cancel_showing", title: "Cancel a showing",
        description: "Cancels a showing (id). The showing stays, cancelled.",
        input: WorkspaceTools.object(["id": ["type": "string"]], required: ["id"]),
        output: MCPSchemas.named("Showing"), readOnly: false, destructive: true, idempotent: true
    ) { arguments, tools in
        try await Self.change(arguments, to: "cancelled", tools)
    }

    /// The showing `id` with its status set to `status` (and the other arguments given), as a PATCH would.
    private static func change(_ arguments: MCPArguments, to status: String, _ tools: WorkspaceTools) async throws
        -> Value
    {
        let id = try arguments.id("id", as: Showing.ID.self)
        var fields = arguments.values.filter { $0.key != "id" }
        fields["status"] = .string(status)
        let changes = try MCPArguments(fields).body(as: ShowingChanges.self)
        let showing = try await ShowingOperations(database: tools.database, clock: tools.clock).update(
            id, with: changes, in: tools.workspace)
        return try Value.encoding(ShowingsAPI.ShowingBody(showing))
    }

    static func find(_ id: Showing.ID, _ tools: WorkspaceTools) async throws -> Showing {
        guard let showing = try await ShowingStore(database: tools.database.sql).find(id, in: tools.workspace) else {
            throw NotFound("showing")
        }
        return showing
    }
}
