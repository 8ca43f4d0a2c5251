import Foundation
import MCP

/// Leads for an assistant: find them, read one, add one (unless it is already there), change one, make one a
/// client.
enum LeadTools {
    static let all: [MCPTool] = [search, get, create, update, convert]

    static let search = MCPTool(
        "search_leads", title: "Search leads",
        description: """
            Finds leads, newest first: by status, and by text in name, email, phone, source or address. \
            Answers at most 20 a page (limit, up to 50) and a nextCursor for the next page.
            """,
        input: WorkspaceTools.object(
            WorkspaceTools.pageProperties.merging([
                "status": MCPSchemas.property("status", of: "Lead"),
                "query": ["type": "string", "description": "Text to look for (at most 200 characters)."],
                "archived": ["type": "boolean", "description": "true for archived leads instead of those in use."],
            ]) { $1 }),
        output: WorkspaceTools.pageSchema("leads", of: "Lead"), readOnly: true, idempotent: true
    ) { arguments, tools in
        let query = try arguments.query(["status": "status", "query": "q", "archived": "archived"]) {
            try LeadQuery(validating: $0)
        }
        let (leads, total) = try await LeadStore(database: tools.database.sql).list(query, in: tools.workspace)
        // written as the API's list writes it (the busiest answer; `JSONEncoder` was a third of a search), with
        // the cursor added
        let list = LeadsAPI.LeadList(leads: leads.map(LeadsAPI.LeadBody.init), total: total).jsonBytes()
        guard case .object(var page) = try Value.reading(Data(list.readableBytesView)) else {
            throw APIError.internalError
        }
        page["nextCursor"] = WorkspaceTools.nextCursor(offset: query.offset, count: leads.count, total: total)
        return .object(page)
    }

    static let get = MCPTool(
        "get_lead", title: "Get a lead", description: "Reads one lead by its id (lead_…).",
        input: WorkspaceTools.object(["id": ["type": "string"]], required: ["id"]),
        output: MCPSchemas.named("Lead"), readOnly: true, idempotent: true
    ) { arguments, tools in
        try Value.encoding(LeadsAPI.LeadBody(try await Self.find(try arguments.id("id", as: Lead.ID.self), tools)))
    }

    static let create = MCPTool(
        "create_lead", title: "Add a lead",
        description: """
            Adds a lead (status new unless given). If leads with the same email or phone exist, nothing is added \
            and they are answered as duplicates: use one of them, or call again with allowDuplicate true.
            """,
        input: WorkspaceTools.object(
            WorkspaceTools.properties(
                of: "LeadInput", dropping: ["clientId"],
                plus: [
                    "allowDuplicate": [
                        "type": "boolean", "description": "Add it even if a lead has its email or phone.",
                    ]
                ]),
            required: ["name"]),
        output: [
            "type": "object", "required": ["created", "lead", "duplicates"],
            "properties": [
                "created": ["type": "boolean"],
                "lead": ["anyOf": [MCPSchemas.named("Lead"), ["type": "null"]]],
                "duplicates": ["type": "array", "items": MCPSchemas.named("Lead")],
            ],
        ],
        readOnly: false, idempotent: false
    ) { arguments, tools in
        let changes = try arguments.body(as: LeadChanges.self, excluding: ["allowDuplicate"])
        let allowDuplicate = arguments.values["allowDuplicate"] == .bool(true)
        if !allowDuplicate {
            let duplicates = try await LeadStore(database: tools.database.sql).sharing(
                email: changes.email.value, phoneDigits: changes.phone.value?.digits, except: Lead.ID.generate(),
                in: tools.workspace)
            if !duplicates.isEmpty {
                return [
                    "created": false, "lead": .null,
                    "duplicates": .array(try duplicates.map { try Value.encoding(LeadsAPI.LeadBody($0)) }),
                ]
            }
        }
        let lead = try await LeadOperations(database: tools.database, clock: tools.clock).create(
            changes, in: tools.workspace)
        return ["created": true, "lead": try Value.encoding(LeadsAPI.LeadBody(lead)), "duplicates": []]
    }

    static let update = MCPTool(
        "update_lead", title: "Change a lead",
        description: """
            Changes the fields given of a lead (id), leaving the others; null clears an optional field. A new \
            status is recorded as lead.status_changed.
            """,
        input: WorkspaceTools.object(
            WorkspaceTools.properties(of: "LeadInput", dropping: ["clientId"], plus: ["id": ["type": "string"]]),
            required: ["id"]),
        output: MCPSchemas.named("Lead"), readOnly: false, idempotent: true
    ) { arguments, tools in
        let id = try arguments.id("id", as: Lead.ID.self)
        let changes = try arguments.body(as: LeadChanges.self, excluding: ["id"])
        let lead = try await LeadOperations(database: tools.database, clock: tools.clock).update(
            id, with: changes, in: tools.workspace)
        return try Value.encoding(LeadsAPI.LeadBody(lead))
    }

    static let convert = MCPTool(
        "convert_lead", title: "Make a lead a client",
        description: """
            Makes the lead (id) a client with its name, email and phone, and marks it converted. The lead needs an \
            email; converting twice is refused, naming the client.
            """,
        input: WorkspaceTools.object(["id": ["type": "string"]], required: ["id"]),
        output: MCPSchemas.named("LeadConverted"), readOnly: false, idempotent: false
    ) { arguments, tools in
        let id = try arguments.id("id", as: Lead.ID.self)
        let (lead, client) = try await LeadOperations(database: tools.database, clock: tools.clock).convert(
            id, in: tools.workspace)
        return try Value.encoding(LeadsAPI.Converted(leadId: lead.id, clientId: client.id))
    }

    static func find(_ id: Lead.ID, _ tools: WorkspaceTools) async throws -> Lead {
        guard let lead = try await LeadStore(database: tools.database.sql).find(id, in: tools.workspace) else {
            throw NotFound("lead")
        }
        return lead
    }
}
