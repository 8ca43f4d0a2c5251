import Foundation
import MCP

/// The tools one workspace offers an assistant over MCP, every change through the same operations as the REST
/// API's, so it is validated, recorded and announced (events, webhooks) the same way. Built for the workspace of
/// the key that called: another workspace's ids are "not found", as on the API.
struct WorkspaceTools: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock
    let workspace: Workspace.ID
    /// Counts each call by tool and outcome, when `/metrics` is on.
    var metrics: ServerMetrics? = nil

    static let all: [MCPTool] =
        LeadTools.all + ClientTools.all + NoteTools.all + ListingTools.all + ShowingTools.all + OfferingTools.all
        + SummaryTools.all
    /// The answer to `tools/list`, made and encoded once.
    static let listResult = ListTools.Result(tools: Self.all.map(\.tool))
    static let listedTools: Data = (try? JSONEncoder().encode(Self.listResult)) ?? Data()

    static let byName: [String: MCPTool] = Dictionary(uniqueKeysWithValues: Self.all.map { ($0.tool.name, $0) })

    /// The answer to `tools/call`: the tool's result, or `isError` naming an unknown tool.
    func call(_ name: String, arguments: [String: Value]?) async -> CallTool.Result {
        guard let tool = Self.byName[name] else {
            self.metrics?.mcpToolCalled("unknown", failed: true)
            return CallTool.Result(
                content: [
                    .text(
                        text: "There is no tool \(name). tools/list names them all.", annotations: nil, _meta: nil)
                ], isError: true)
        }
        let result = await tool.call(arguments, in: self)
        self.metrics?.mcpToolCalled(name, failed: result.isError == true)
        return result
    }

    /// A server for one exchange (a request over HTTP, or a whole stdio session) with this workspace's tools.
    func makeServer() async -> Server {
        let server = Server(
            name: "leadlight", version: LeadlightVersion.current, title: "Leadlight",
            instructions: """
                A real-estate agent's CRM: leads (people who asked), clients (people the agent works with), listings, \
                showings and an offering catalog. Search before you create: create_lead reports leads with the same \
                email or phone instead of making a duplicate. Ids look like lead_…, cli_…, lst_…, shw_….
                """,
            capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in Self.listResult }
        await server.withMethodHandler(CallTool.self) { parameters in
            await self.call(parameters.name, arguments: parameters.arguments)
        }
        return server
    }

    /// A search's answer: the page of `items` under `name`, each as the API writes it (`body`), the `total`
    /// matching, and the cursor of the next page (null on the last).
    static func page<Item, Body: Encodable>(
        _ name: String, _ items: [Item], total: Int, offset: Int, as body: (Item) -> Body
    ) throws -> Value {
        [
            name: .array(try items.map { try Value.encoding(body($0)) }),
            "total": .int(total),
            "nextCursor": Self.nextCursor(offset: offset, count: items.count, total: total),
        ]
    }

    /// The cursor of the page after `count` results from `offset` of `total`; null after the last.
    static func nextCursor(offset: Int, count: Int, total: Int) -> Value {
        offset + count < total ? .string(String(offset + count)) : .null
    }

    /// The output schema of a search: the page of `items` (of the API's schema `schema`), the total and the cursor.
    static func pageSchema(_ items: String, of schema: String) -> Value {
        [
            "type": "object",
            "required": [.string(items), "total", "nextCursor"],
            "properties": [
                items: ["type": "array", "items": MCPSchemas.named(schema)],
                "total": ["type": "integer", "description": "How many match, on all pages."],
                "nextCursor": [
                    "type": ["string", "null"], "description": "Pass as cursor for the next page; null on the last.",
                ],
            ],
        ]
    }

    /// Input properties every search takes.
    static let pageProperties: [String: Value] = [
        "limit": ["type": "integer", "minimum": 1, "maximum": 50, "description": "Results per page; 20 unless set."],
        "cursor": ["type": "string", "description": "nextCursor of the previous page."],
    ]

    /// An object schema with these properties, these required, and nothing else.
    static func object(_ properties: [String: Value], required: [String] = []) -> Value {
        [
            "type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) }),
            "additionalProperties": false,
        ]
    }

    /// The API schema `name`'s properties a client may send (not the ids and times the server keeps), without
    /// `dropping`, plus `extra`; none is required unless said.
    static func properties(of name: String, dropping: Set<String> = [], plus extra: [String: Value] = [:]) -> [String:
        Value]
    {
        let kept = ["id", "createdAt", "updatedAt", "archivedAt", "stageChangedAt"]
        let properties = MCPSchemas.named(name).objectValue?["properties"]?.objectValue ?? [:]
        return properties.filter { !kept.contains($0.key) && !dropping.contains($0.key) }.merging(extra) { $1 }
    }
}
