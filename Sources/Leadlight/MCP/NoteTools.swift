import Foundation
import MCP

/// Notes on a lead or a client: what the agent (or the assistant for them) wants to remember.
enum NoteTools {
    static let all: [MCPTool] = [add]

    static let add = MCPTool(
        "add_note", title: "Add a note",
        description: """
            Adds a note to a lead (lead_…) or a client (cli_…): 1 to 5,000 characters. It shows on their timeline.
            """,
        input: WorkspaceTools.object(
            [
                "subjectId": ["type": "string", "description": "The lead's or the client's id."],
                "text": ["type": "string", "minLength": 1, "maxLength": 5000],
            ], required: ["subjectId", "text"]),
        output: MCPSchemas.named("Note"), readOnly: false, idempotent: false
    ) { arguments, tools in
        let subject: NoteSubject
        switch arguments.values["subjectId"] {
        case .string(let id)? where id.hasPrefix(Client.idPrefix + "_"):
            subject = .client(try arguments.id("subjectId", as: Client.ID.self))
        default:
            subject = .lead(try arguments.id("subjectId", as: Lead.ID.self))
        }
        let text = try arguments.body(as: NotesAPI.NewNote.self, excluding: ["subjectId"]).requiredText()
        let note = try await NoteOperations(database: tools.database, clock: tools.clock).add(
            text, on: subject, in: tools.workspace)
        return try Value.encoding(NotesAPI.NoteBody(note))
    }
}

/// The workspace at a glance.
enum SummaryTools {
    static let all: [MCPTool] = [summary]

    static let summary = MCPTool(
        "workspace_summary", title: "Workspace summary",
        description: """
            How many leads there are in each status, clients in each buying stage, listings in each status and \
            showings in each state (archived ones left out): a first look before searching.
            """,
        input: WorkspaceTools.object([:]),
        output: [
            "type": "object", "required": ["leads", "clients", "listings", "showings"],
            "properties": [
                "leads": Self.countsSchema, "clients": Self.countsSchema, "listings": Self.countsSchema,
                "showings": Self.countsSchema,
            ],
        ],
        readOnly: true, idempotent: true
    ) { arguments, tools in
        let unknown = arguments.values.keys.sorted()
        if !unknown.isEmpty {
            throw ValidationFailure(unknown.map { FieldError(field: $0, message: "is not an argument of this tool") })
        }
        let counts = RecordCounts(database: tools.database.sql)
        var answer: [String: Value] = [:]
        for record in [RecordCounts.Record.leads, .clients, .listings, .showings] {
            let perState = try await counts.perState(record, in: tools.workspace)
            answer[record.rawValue] = [
                "total": .int(perState.values.reduce(0, +)),
                "byState": .object(perState.mapValues { .int($0) }),
            ]
        }
        return .object(answer)
    }

    private static let countsSchema: Value = [
        "type": "object", "required": ["total", "byState"],
        "properties": [
            "total": ["type": "integer"],
            "byState": ["type": "object", "additionalProperties": ["type": "integer"]],
        ],
    ]
}
