import Foundation
import MCP
import NIOCore
import Testing

@testable import Leadlight

/// Every tool fed generated arguments (issue 13, and every parser of client input is fuzzed): the tool's own
/// fields with values of every kind and shape, unknown fields, ids of this workspace, of none and of the wrong
/// kind. Each call answers a result or a refusal naming what was wrong, never a 500-like "the tool failed", never
/// a trap; and what was refused changed nothing the workspace summary can see.
@Suite struct MCPToolFuzzTests {
    @Test func everyToolAnswersAResultOrARefusalForAnyArguments() async throws {
        try await withTestApp(.sqlite) { _, seed in
            let database = seed.database
            let workspace = try await seed.workspace().workspace.id
            let tools = WorkspaceTools(database: database, clock: .system, workspace: workspace)
            // a few real ids to aim at
            var ids: [String] = [
                "lead_doesNotExist0000000", "cli_x", "", "lst_", "shw_\u{0}",
                "off_" + String(repeating: "9", count: 400),
            ]
            for call in [
                ("create_lead", ["name": Value.string("Fuzz Lead"), "email": "fuzz@example.com"]),
                ("create_client", ["name": "Fuzz Client", "email": "fuzz-client@example.com"]),
            ] {
                let result = await tools.call(call.0, arguments: call.1)
                if case .object(let object)? = result.structuredContent {
                    if case .string(let id)? = object["id"] { ids.append(id) }
                    if case .object(let lead)? = object["lead"], case .string(let id)? = lead["id"] {
                        ids.append(id)
                    }
                }
            }
            var input = FuzzInput(stream: "mcp-tools")
            var (answered, refused) = (0, 0)
            let iterations = max(FuzzInput.iterations / 4, 100)
            for iteration in 0..<iterations {
                let tool = input.pick(WorkspaceTools.all)
                let properties = tool.tool.inputSchema.objectValue?["properties"]?.objectValue?.keys.sorted() ?? []
                var arguments: [String: Value] = [:]
                for _ in 0..<input.int(0...5) {
                    let name =
                        input.chance(0.85) && !properties.isEmpty
                        ? input.pick(properties) : input.text(maxLength: 12)
                    arguments[name] = Self.value(&input, ids: ids, depth: 0)
                }
                let result = await tools.call(tool.tool.name, arguments: input.chance(0.05) ? nil : arguments)
                let text = result.content.compactMap { content -> String? in
                    if case .text(let text, _, _) = content { return text }
                    return nil
                }.joined()
                if result.isError == true {
                    refused += 1
                    #expect(
                        !text.isEmpty && !text.hasPrefix("The tool failed"),
                        "#\(iteration) \(tool.tool.name) \(arguments): \(text)")
                } else {
                    answered += 1
                    #expect(result.structuredContent != nil, "#\(iteration) \(tool.tool.name)")
                }
            }
            #expect(
                answered * 20 >= iterations && refused * 20 >= iterations,
                "\(answered) answered, \(refused) refused")
        }
    }

    /// Bodies POSTed to `/mcp`, well-formed calls and every kind of broken one: each is answered here (a result,
    /// or a refusal before any tool runs) or handed to the SDK (nil), and an answer is always JSON-RPC.
    @Test func anyBodyIsAnsweredOrHandedToTheSDK() async throws {
        try await withTestApp(.sqlite) { _, seed in
            let database = seed.database
            let workspace = try await seed.workspace().workspace.id
            let tools = WorkspaceTools(database: database, clock: .system, workspace: workspace)
            let endpoint = MCPEndpoint(
                database: database, clock: .system, allowedHosts: ["127.0.0.1:*"], timeout: .seconds(10),
                metrics: nil)
            var input = FuzzInput(stream: "mcp-envelope")
            var (answered, handedOn) = (0, 0)
            let iterations = max(FuzzInput.iterations / 4, 100)
            for iteration in 0..<iterations {
                let id = input.pick([
                    "1", "0", "-7", "\"abc\"", "\"\"", "1.5", "1e3", "null", "{}", "[1]", "true",
                    "99999999999999999999", "\"\\u0000\"",
                ])
                let method = input.pick(["tools/call", "tools/list", "initialize", "ping", "", "tools/call "])
                let name = input.pick(WorkspaceTools.all.map(\.tool.name) + ["nope", ""])
                let params = input.pick([
                    #"{"name":"\#(name)","arguments":{"limit":3}}"#, #"{"name":"\#(name)"}"#,
                    #"{"name":"\#(name)","arguments":[]}"#, #"{"name":7}"#, "[]", "null", #"{"arguments":{}}"#,
                ])
                var body = Array(
                    #"{"jsonrpc":"\#(input.chance(0.8) ? "2.0" : "1.0")","id":\#(id),"method":"\#(method)","params":\#(params)}"#
                        .utf8)
                if input.chance(0.2) { body = input.mutated(body) }
                let exchange = MCP.HTTPRequest(
                    method: "POST",
                    headers: [
                        "content-type": "application/json", "accept": "application/json", "host": "127.0.0.1:8080",
                    ],
                    body: Data(body), path: "/mcp")
                guard
                    let response = await endpoint.answerDirectly(
                        exchange, body: ByteBuffer(bytes: body), tools: tools, logger: TestDatabase.logger)
                else {
                    handedOn += 1
                    continue
                }
                answered += 1
                let bytes = response.bodyData ?? Data()
                let answer = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any]
                #expect(
                    answer?["jsonrpc"] as? String == "2.0" && (answer?["result"] != nil || answer?["error"] != nil),
                    "#\(iteration) \(String(decoding: body, as: UTF8.self)) → \(String(decoding: bytes, as: UTF8.self))"
                )
            }
            #expect(
                answered * 20 >= iterations && handedOn * 20 >= iterations,
                "\(answered) answered here, \(handedOn) handed on")
        }
    }

    /// Our JSON writer and reader for the SDK's `Value` agree with each other and with Foundation's: any value
    /// written and read back is the same value, and the same as `JSONEncoder`'s text read back.
    @Test func valuesAreWrittenAndReadBackAsFoundationWritesThem() throws {
        var input = FuzzInput(stream: "mcp-values")
        for _ in 0..<max(FuzzInput.iterations / 4, 100) {
            let value = Self.value(&input, ids: ["lead_x", "é\u{0}\"\\/\u{1F}👩‍💻"], depth: 0)
            var bytes: [UInt8] = []
            value.writeJSON(into: &bytes)
            let ours = try Value.reading(Data(bytes))
            #expect(ours == value, "\(String(decoding: bytes, as: UTF8.self))")
            let foundation = try Value.reading(try JSONEncoder().encode(value))
            #expect(Self.same(ours, foundation), "\(ours) and \(foundation)")
        }
    }

    /// Equal, a number being the same number whether written `150` or `150.0`.
    private static func same(_ left: Value, _ right: Value) -> Bool {
        switch (left, right) {
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): Double(a) == b
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { Self.same($0, $1) }
        case (.object(let a), .object(let b)):
            a.keys.sorted() == b.keys.sorted()
                && a.allSatisfy { key, value in b[key].map { Self.same(value, $0) } ?? false }
        default: left == right
        }
    }

    /// A value of any kind the JSON of a call can carry, biased towards what each field might take.
    private static func value(_ input: inout FuzzInput, ids: [String], depth: Int) -> Value {
        switch input.int(0...11) {
        case 0: return .null
        case 1: return .bool(input.chance(0.5))
        case 2: return .int(input.pick([0, 1, -1, 20, 50, 51, Int.max, Int.min, input.int(-1000...1_000_000)]))
        case 3: return .double(input.pick([0.5, -0.0, 1e300, 19.99, 150.0]))
        case 4: return .string(input.pick(ids))
        case 5: return .string(input.emailLike())
        case 6: return .string(input.phoneLike())
        case 7: return .string(input.numberText())
        case 8:
            return .string(
                input.pick([
                    "new", "contacted", "Searching", "Under Contract", "confirmed", "PRODUCT", "active",
                    "2026-12-12T10:00:00Z",
                    "yesterday", "12", "true",
                ]))
        case 9 where depth < 2:
            return .array((0..<input.int(0...4)).map { _ in Self.value(&input, ids: ids, depth: depth + 1) })
        case 10 where depth < 2:
            var object: [String: Value] = [:]
            for _ in 0..<input.int(0...4) {
                object[input.pick(["sku", "name", "price", "type", "stockQty", input.text(maxLength: 6)])] = Self.value(
                    &input, ids: ids, depth: depth + 1)
            }
            return .object(object)
        default: return .string(input.text())
        }
    }
}
