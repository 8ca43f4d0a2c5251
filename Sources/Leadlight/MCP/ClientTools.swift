import Foundation
import MCP

/// Clients for an assistant: find them, read one, add one, move one along the buying stages.
enum ClientTools {
    static let all: [MCPTool] = [search, get, create, update]

    static let search = MCPTool(
        "search_clients", title: "Search clients",
        description: """
            Finds clients, newest first: by buying stage (New, Searching, Touring, Offer, Under Contract, Closed, \
            Lost), and by text in name, email or phone. At most 20 a page (limit, up to 50), with a nextCursor.
            """,
        input: WorkspaceTools.object(
            WorkspaceTools.pageProperties.merging([
                "buyingStage": MCPSchemas.property("buyingStage", of: "Client"),
                "query": ["type": "string", "description": "Text to look for (at most 200 characters)."],
                "archived": ["type": "boolean", "description": "true for archived clients instead of those in use."],
            ]) { $1 }),
        output: WorkspaceTools.pageSchema("clients", of: "Client"), readOnly: true, idempotent: true
    ) { arguments, tools in
        let query = try arguments.query(["buyingStage": "buyingStage", "query": "q", "archived": "archived"]) {
            try ClientQuery(validating: $0)
        }
        let (clients, total) = try await ClientStore(database: tools.database.sql).list(query, in: tools.workspace)
        return try WorkspaceTools.page(
            "clients", clients, total: total, offset: query.offset, as: ClientsAPI.ClientBody.init)
    }

    static let get = MCPTool(
        "get_client", title: "Get a client", description: "Reads one client by its id (cli_…).",
        input: WorkspaceTools.object(["id": ["type": "string"]], required: ["id"]),
        output: MCPSchemas.named("Client"), readOnly: true, idempotent: true
    ) { arguments, tools in
        let id = try arguments.id("id", as: Client.ID.self)
        guard let client = try await ClientStore(database: tools.database.sql).find(id, in: tools.workspace) else {
            throw NotFound("client")
        }
        return try Value.encoding(ClientsAPI.ClientBody(client))
    }

    static let create = MCPTool(
        "create_client", title: "Add a client",
        description: """
            Adds a client (name and email required; buying stage New unless given). An email another client has \
            is refused, naming that client. To make a client of a lead, use convert_lead instead.
            """,
        input: WorkspaceTools.object(WorkspaceTools.properties(of: "ClientInput"), required: ["name", "email"]),
        output: MCPSchemas.named("Client"), readOnly: false, idempotent: false
    ) { arguments, tools in
        let changes = try arguments.body(as: ClientChanges.self)
        let client = try await ClientOperations(database: tools.database, clock: tools.clock).create(
            changes, in: tools.workspace)
        return try Value.encoding(ClientsAPI.ClientBody(client))
    }

    static let update = MCPTool(
        "update_client", title: "Change a client",
        description: """
            Changes the fields given of a client (id), leaving the others; null clears an optional field. A new \
            buying stage is recorded as client.stage_changed.
            """,
        input: WorkspaceTools.object(
            WorkspaceTools.properties(of: "ClientInput", plus: ["id": ["type": "string"]]), required: ["id"]),
        output: MCPSchemas.named("Client"), readOnly: false, idempotent: true
    ) { arguments, tools in
        let id = try arguments.id("id", as: Client.ID.self)
        let changes = try arguments.body(as: ClientChanges.self, excluding: ["id"])
        let client = try await ClientOperations(database: tools.database, clock: tools.clock).update(
            id, with: changes, in: tools.workspace)
        return try Value.encoding(ClientsAPI.ClientBody(client))
    }
}

/// Listings for an assistant: read only (the agent adds and edits them in the dashboard or through the API).
enum ListingTools {
    static let all: [MCPTool] = [search, get]

    static let search = MCPTool(
        "search_listings", title: "Search listings",
        description: """
            Finds listings, newest first: by status (active, pending, sold, withdrawn), price range and least bedrooms. \
            At most 20 a page (limit, up to 50), with a nextCursor.
            """,
        input: WorkspaceTools.object(
            WorkspaceTools.pageProperties.merging([
                "status": MCPSchemas.property("status", of: "Listing"),
                "minPrice": ["type": "string", "description": "Least price, a decimal number (\"350000\")."],
                "maxPrice": ["type": "string", "description": "Greatest price, a decimal number."],
                "minBedrooms": ["type": "integer", "minimum": 0],
                "archived": ["type": "boolean", "description": "true for archived listings instead of those in use."],
            ]) { $1 }),
        output: WorkspaceTools.pageSchema("listings", of: "Listing"), readOnly: true, idempotent: true
    ) { arguments, tools in
        let query = try arguments.query(
            [
                "status": "status", "minPrice": "minPrice", "maxPrice": "maxPrice", "minBedrooms": "minBedrooms",
                "archived": "archived",
            ]
        ) { try ListingQuery(validating: $0) }
        let (listings, total) = try await ListingStore(database: tools.database.sql).list(query, in: tools.workspace)
        return try WorkspaceTools.page(
            "listings", listings, total: total, offset: query.offset, as: ListingsAPI.ListingBody.init)
    }

    static let get = MCPTool(
        "get_listing", title: "Get a listing", description: "Reads one listing by its id (lst_…).",
        input: WorkspaceTools.object(["id": ["type": "string"]], required: ["id"]),
        output: MCPSchemas.named("Listing"), readOnly: true, idempotent: true
    ) { arguments, tools in
        let id = try arguments.id("id", as: Listing.ID.self)
        guard let listing = try await ListingStore(database: tools.database.sql).find(id, in: tools.workspace) else {
            throw NotFound("listing")
        }
        return try Value.encoding(ListingsAPI.ListingBody(listing))
    }
}
