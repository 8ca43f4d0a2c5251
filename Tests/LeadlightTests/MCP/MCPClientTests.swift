import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import Leadlight

/// MCP with the official Python client (`mcp` on PyPI, in its default `auto` mode, which asks `server/discover`
/// first and falls back to `initialize`) against a real `leadlight serve` on 127.0.0.1 and over stdio through
/// `leadlight mcp` (issue 13): every tool called with good and bad arguments, a change made by a tool read back
/// through the REST API with its event, two clients at once, keys, workspaces and the rate limit.
@Suite(.takingTurns) struct MCPClientTests {
    /// The tools this build offers, by name.
    static let toolNames: Set<String> = [
        "search_leads", "get_lead", "create_lead", "update_lead", "convert_lead", "search_clients", "get_client",
        "create_client", "update_client", "add_note", "search_listings", "get_listing", "search_showings",
        "get_showing", "request_showing", "confirm_showing", "cancel_showing", "search_offerings", "get_offering",
        "upsert_offerings", "workspace_summary",
    ]

    @Test(.enabled { await ExternalTool.mcpClientAvailable() })
    func theOfficialClientCallsEveryToolOverHTTPWithGoodAndBadArguments() async throws {
        try await Self.withServer { server, key, database in
            let calls: [[String: Any]] = [
                /* 0 */ [
                    "tool": "create_lead",
                    "arguments": ["name": "Ann Lee", "email": "ann@example.com", "phone": "+1 555 0100"],
                ],
                /* 1 */ ["tool": "create_lead", "arguments": ["name": "Ann again", "email": "ANN@example.com"]],
                /* 2 */ ["tool": "create_lead", "arguments": ["name": "", "email": "not an email", "colour": "red"]],
                /* 3 */ ["tool": "get_lead", "arguments": ["id": "$0.lead.id"]],
                /* 4 */ ["tool": "get_lead", "arguments": ["id": "lead_doesNotExist0000000"]],
                /* 5 */ ["tool": "search_leads", "arguments": ["query": "ann", "limit": 5]],
                /* 6 */ ["tool": "search_leads", "arguments": ["status": "sleeping", "limit": 500]],
                /* 7 */ ["tool": "update_lead", "arguments": ["id": "$0.lead.id", "status": "contacted"]],
                /* 8 */ ["tool": "update_lead", "arguments": ["id": "$0.lead.id", "status": "sleeping"]],
                /* 9 */ ["tool": "add_note", "arguments": ["subjectId": "$0.lead.id", "text": "Wants a garden."]],
                /* 10 */ ["tool": "add_note", "arguments": ["subjectId": "$0.lead.id", "text": ""]],
                /* 11 */ ["tool": "convert_lead", "arguments": ["id": "$0.lead.id"]],
                /* 12 */ ["tool": "convert_lead", "arguments": ["id": "$0.lead.id"]],
                /* 13 */ ["tool": "add_note", "arguments": ["subjectId": "$11.clientId", "text": "Pre-approved."]],
                /* 14 */ [
                    "tool": "create_lead",
                    "arguments": ["name": "Ann twin", "email": "ann@example.com", "allowDuplicate": true],
                ],
                /* 15 */ ["tool": "workspace_summary", "arguments": [:]],
                /* 16 */ ["tool": "workspace_summary", "arguments": ["extra": 1]],
                /* 17 */ ["tool": "no_such_tool", "arguments": [:]],
            ]
            let listed = try await server.request(
                .POST, "/api/v1/listings", key: key,
                json: Data(#"{"address": "456 Oak Ave, Miami, FL", "price": 750000, "bedrooms": 4}"#.utf8))
            let listing = try #require(listed.body.firstMatch(of: /"(lst_[0-9A-Za-z]+)"/).map { String($0.output.1) })
            let tooMany = (0...OfferingTools.maxRows).map { ["sku": "X\($0)", "name": "X"] }
            let more: [[String: Any]] = [
                /* 18 */ [
                    "tool": "create_client",
                    "arguments": ["name": "Bo Chen", "email": "bo@example.com", "buyingStage": "Searching"],
                ],
                /* 19 */ ["tool": "create_client", "arguments": ["name": "", "email": "x"]],
                /* 20 */ ["tool": "search_clients", "arguments": ["buyingStage": "Searching"]],
                /* 21 */ ["tool": "search_clients", "arguments": ["buyingStage": "Dreaming"]],
                /* 22 */ ["tool": "get_client", "arguments": ["id": "$18.id"]],
                /* 23 */ ["tool": "update_client", "arguments": ["id": "$18.id", "buyingStage": "Touring"]],
                /* 24 */ ["tool": "update_client", "arguments": ["id": "$18.id", "email": "nope"]],
                /* 25 */ ["tool": "search_listings", "arguments": ["minBedrooms": 3]],
                /* 26 */ ["tool": "search_listings", "arguments": ["minPrice": "lots"]],
                /* 27 */ ["tool": "get_listing", "arguments": ["id": listing]],
                /* 28 */ ["tool": "get_listing", "arguments": ["id": "lst_doesNotExist0000000"]],
                /* 29 */ [
                    "tool": "request_showing",
                    "arguments": ["clientId": "$18.id", "listingId": listing, "preferredTime": "2026-12-12T10:00:00Z"],
                ],
                /* 30 */ ["tool": "request_showing", "arguments": ["clientId": "$18.id"]],
                /* 31 */ ["tool": "confirm_showing", "arguments": ["id": "$29.id"]],
                /* 32 */ ["tool": "search_showings", "arguments": ["clientId": "$18.id", "status": "confirmed"]],
                /* 33 */ ["tool": "search_showings", "arguments": ["status": "maybe"]],
                /* 34 */ ["tool": "get_showing", "arguments": ["id": "$29.id"]],
                /* 35 */ ["tool": "cancel_showing", "arguments": ["id": "$29.id"]],
                /* 36 */ ["tool": "cancel_showing", "arguments": ["id": "shw_doesNotExist0000000"]],
                /* 37 */ [
                    "tool": "upsert_offerings",
                    "arguments": [
                        "products": [
                            ["sku": "A1", "name": "Yard sign", "price": "150.00", "stockQty": 4],
                            ["sku": "B2", "name": "", "price": "-1"],
                        ]
                    ],
                ],
                /* 38 */ [
                    "tool": "upsert_offerings",
                    "arguments": [
                        "products": [
                            ["sku": "A1", "name": "Yard sign", "price": "150.00", "stockQty": 4]
                        ]
                    ],
                ],
                /* 39 */ ["tool": "upsert_offerings", "arguments": ["products": tooMany]],
                /* 40 */ ["tool": "search_offerings", "arguments": ["sku": "A1"]],
                /* 41 */ ["tool": "search_offerings", "arguments": ["type": "GADGET"]],
                /* 42 */ ["tool": "get_offering", "arguments": ["id": "$40.products.0.id"]],
                /* 43 */ ["tool": "get_offering", "arguments": ["id": "off_doesNotExist0000000"]],
            ]
            let answer = try await Self.runClient(
                ["transport": "http", "url": "\(server.baseURL)/mcp", "key": key, "calls": calls + more])
            #expect((answer["protocolVersion"] as? String)?.isEmpty == false, "auto mode settled on a version")

            let tools = try #require(answer["tools"] as? [[String: Any]])
            #expect(Set(tools.compactMap { $0["name"] as? String }) == Self.toolNames)
            for tool in tools {
                let name = tool["name"] as? String ?? "?"
                #expect((tool["description"] as? String)?.isEmpty == false, "\(name) says what it does")
                #expect((tool["inputSchema"] as? [String: Any])?["type"] as? String == "object", "\(name) input")
                #expect((tool["outputSchema"] as? [String: Any])?["type"] as? String == "object", "\(name) output")
                let hints = tool["annotations"] as? [String: Any] ?? [:]
                #expect(hints["readOnlyHint"] is Bool && hints["idempotentHint"] is Bool, "\(name) annotations")
            }

            let results = try #require(answer["results"] as? [[String: Any]])
            try #require(results.count == calls.count + more.count)
            func result(_ index: Int) -> (isError: Bool, structured: [String: Any], text: String) {
                let entry = results[index]
                return (
                    entry["isError"] as? Bool ?? true, entry["structured"] as? [String: Any] ?? [:],
                    entry["text"] as? String ?? ""
                )
            }
            let created = result(0)
            #expect(!created.isError && created.structured["created"] as? Bool == true)
            let lead = try #require((created.structured["lead"] as? [String: Any])?["id"] as? String)
            let duplicate = result(1)
            #expect(!duplicate.isError && duplicate.structured["created"] as? Bool == false)
            #expect(
                (duplicate.structured["duplicates"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [lead])
            let refused = result(2)
            #expect(refused.isError)
            for field in ["name", "email", "colour"] {
                #expect(refused.text.contains("- \(field):"), "\(refused.text)")
            }
            #expect(result(3).structured["name"] as? String == "Ann Lee")
            #expect(result(4).isError && result(4).text.contains("No lead with that id"))
            #expect((result(5).structured["leads"] as? [[String: Any]])?.count == 1)
            #expect(result(5).structured["total"] as? Int == 1)
            #expect(result(6).isError && result(6).text.contains("- status:") && result(6).text.contains("- limit:"))
            #expect(result(7).structured["status"] as? String == "contacted")
            #expect(result(8).isError && result(8).text.contains("- status:"))
            #expect(!result(9).isError && result(9).structured["text"] as? String == "Wants a garden.")
            #expect(result(10).isError && result(10).text.contains("- text:"))
            let client = try #require(result(11).structured["clientId"] as? String)
            #expect(result(12).isError && result(12).text.contains(client), "converting twice names the client")
            #expect(!result(13).isError, "a note on the client")
            #expect(result(14).structured["created"] as? Bool == true, "a duplicate when asked for")
            let summary = result(15).structured
            #expect((summary["leads"] as? [String: Any])?["total"] as? Int == 2)
            #expect((summary["clients"] as? [String: Any])?["total"] as? Int == 1, "before create_client")
            #expect(result(16).isError && result(17).isError)

            #expect(!result(18).isError && result(18).structured["buyingStage"] as? String == "Searching")
            let bo = try #require(result(18).structured["id"] as? String)
            #expect(result(19).isError && result(19).text.contains("- name:") && result(19).text.contains("- email:"))
            #expect(result(20).structured["total"] as? Int == 1)
            #expect(result(21).isError && result(21).text.contains("- buyingStage:"))
            #expect(result(22).structured["name"] as? String == "Bo Chen")
            #expect(result(23).structured["buyingStage"] as? String == "Touring")
            #expect(result(24).isError && result(24).text.contains("- email:"))
            #expect(result(25).structured["total"] as? Int == 1)
            #expect(result(26).isError && result(26).text.contains("- minPrice:"))
            #expect(result(27).structured["address"] as? String == "456 Oak Ave, Miami, FL")
            #expect(result(28).isError && result(28).text.contains("No listing with that id"))
            #expect(result(29).structured["status"] as? String == "requested")
            #expect(result(30).isError && result(30).text.contains("- listingId:"))
            #expect(result(31).structured["status"] as? String == "confirmed")
            #expect(result(32).structured["total"] as? Int == 1)
            #expect(result(33).isError && result(33).text.contains("- status:"))
            #expect(result(34).structured["listingId"] as? String == listing)
            #expect(result(35).structured["status"] as? String == "cancelled")
            #expect(result(36).isError && result(36).text.contains("No showing with that id"))
            let pushed = result(37).structured["summary"] as? [String: Any]
            #expect(pushed?["created"] as? Int == 1 && pushed?["failed"] as? Int == 1, "\(result(37).text)")
            #expect((result(38).structured["summary"] as? [String: Any])?["unchanged"] as? Int == 1)
            #expect(result(39).isError && result(39).text.contains("- products:"))
            #expect(result(40).structured["total"] as? Int == 1, "\(result(37).text) \(result(40).text)")
            #expect(result(41).isError && result(41).text.contains("- type:"))
            #expect(result(42).structured["sku"] as? String == "A1")
            #expect(result(43).isError && result(43).text.contains("No offering with that id"))

            // what the tools did is what the API shows, with the API's events
            let stage = try await server.request(.GET, "/api/v1/events?type=client.stage_changed", key: key)
            #expect(stage.body.contains(bo), "moving a client along is announced as on the API")
            let booked = try await server.request(.GET, "/api/v1/events?type=showing.requested", key: key)
            #expect(booked.body.contains(listing))
            let read = try await server.request(.GET, "/api/v1/leads/\(lead)", key: key)
            #expect(read.status == 200 && read.body.contains(#""status":"converted""#))
            let events = try await server.request(.GET, "/api/v1/events?type=lead.created&limit=10", key: key)
            #expect(events.body.components(separatedBy: #""event":"lead.created""#).count - 1 == 2, "\(events.body)")
            #expect(events.body.contains(lead))
            let notes = try await server.request(.GET, "/api/v1/clients/\(client)/notes", key: key)
            #expect(notes.body.contains("Pre-approved."))
        }
    }

    @Test(.enabled { await ExternalTool.mcpClientAvailable() })
    func overStdioTheToolsWorkOnTheKeysWorkspace() async throws {
        try await Self.withServer { server, key, database in
            let environment = LeadlightProcess.environment([
                "LEADLIGHT_API_KEY": key, "LEADLIGHT_DATABASE_URL": database,
            ])
            let answer = try await Self.runClient([
                "transport": "stdio", "command": LeadlightProcess.executable.path, "args": ["mcp"],
                "env": environment,
                "calls": [
                    ["tool": "create_lead", "arguments": ["name": "Stdio Lead", "email": "stdio@example.com"]],
                    ["tool": "search_leads", "arguments": ["query": "stdio"]],
                ],
            ])
            let results = try #require(answer["results"] as? [[String: Any]])
            let lead = try #require(
                ((results.first?["structured"] as? [String: Any])?["lead"] as? [String: Any])?["id"] as? String)
            #expect(((results.last?["structured"] as? [String: Any])?["total"] as? Int) == 1)
            let read = try await server.request(.GET, "/api/v1/leads/\(lead)", key: key)
            #expect(read.status == 200 && read.body.contains("Stdio Lead"))

            let refused = try await LeadlightProcess.run(
                ["mcp"],
                environment: [
                    "LEADLIGHT_API_KEY": "alk_live_" + String(repeating: "x", count: 40),
                    "LEADLIGHT_DATABASE_URL": database,
                ])
            #expect(refused.status == 1 && refused.stderr.contains("not valid") && refused.stdout.isEmpty)
            let closed = try await LeadlightProcess.run(
                ["mcp"], environment: ["LEADLIGHT_API_KEY": key, "LEADLIGHT_DATABASE_URL": database])
            #expect(closed.status == 0 && closed.stdout.isEmpty, "standard input closed at once: a clean exit")
        }
    }

    @Test(.enabled { await ExternalTool.mcpClientAvailable() })
    func twoClientsAtOnceEachGetTheirOwnAnswers() async throws {
        try await Self.withServer(["--rate-limit", "10000"]) { server, key, database in
            // both number their requests the same way; each reads back only what it made
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in ["north", "south"] {
                    group.addTask {
                        var calls: [[String: Any]] = []
                        for number in 0..<15 {
                            calls.append([
                                "tool": "create_lead",
                                "arguments": [
                                    "name": "\(client) \(number)", "email": "\(client)-\(number)@example.com",
                                ],
                            ])
                            calls.append(["tool": "get_lead", "arguments": ["id": "$\(number * 2).lead.id"]])
                        }
                        let answer = try await Self.runClient(
                            ["transport": "http", "url": "\(server.baseURL)/mcp", "key": key, "calls": calls])
                        let results = try #require(answer["results"] as? [[String: Any]])
                        for number in 0..<15 {
                            let read = results[number * 2 + 1]["structured"] as? [String: Any]
                            #expect(read?["name"] as? String == "\(client) \(number)", "\(client) got \(read ?? [:])")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func keysWorkspacesTheRateLimitAndTheHostAreCheckedBeforeAnyMCP() async throws {
        try await Self.withServer(["--rate-limit", "8"]) { server, key, database in
            let other = try await LeadlightProcess.run([
                "workspace", "create", "--name", "Other", "--agent-id", "other", "--owner-email", "o@example.com",
                "--database-url", database, "--json",
            ])
            let otherKey = try #require(
                (try JSONSerialization.jsonObject(with: Data(other.stdout.utf8)) as? [String: Any])?["apiKey"]
                    as? String)
            let list = #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#
            let bad = try await Self.post(server, list, key: "alk_live_" + String(repeating: "x", count: 40))
            #expect(bad.status == 401 && bad.headers["WWW-Authenticate"].first?.hasPrefix("Bearer") == true)
            #expect(try await Self.post(server, list, key: nil).status == 401)
            #expect(try await Self.post(server, list, key: key, host: "evil.example").status == 421)

            let create = #"""
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_lead","arguments":{"name":"Mine","email":"mine@example.com"}}}
                """#
            let made = try await Self.post(server, create, key: key)
            let lead = try #require(made.body.firstMatch(of: /"id":"(lead_[0-9A-Za-z]+)"/).map { String($0.output.1) })
            let get =
                #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_lead","arguments":{"id":"\#(lead)"}}}"#
            let fromOther = try await Self.post(server, get, key: otherKey)
            #expect(fromOther.status == 200 && fromOther.body.contains(#""isError":true"#))
            #expect(fromOther.body.contains("No lead with that id"), "another workspace's lead is not found")

            var statuses: [UInt] = []
            for _ in 0..<8 { statuses.append(try await Self.post(server, list, key: key).status) }
            #expect(statuses.contains(429), "past 8 a minute: \(statuses)")
        }
    }

    @Test func aStuckToolIsStoppedInTimeAndEveryCallIsCounted() async throws {
        let status = try await Self.withServer(
            ["--metrics-port", "0"],
            environment: ["LEADLIGHT_MCP_TIMEOUT": "1", "LEADLIGHT_PUBLIC_URL": "https://crm.example.test"],
            alsoPrinting: "Metrics for Prometheus at "
        ) { server, key, database in
            let list = #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#
            #expect(try await Self.post(server, list, key: key, host: "crm.example.test").status == 200, "its own name")

            // another process holds SQLite's write lock: the tool waits for it, and is stopped after a second
            let holder = try ChildProcess.spawn(
                "/usr/bin/env",
                [
                    "python3", "-c",
                    "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); "
                        + "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(30)",
                    database,
                ], environment: ProcessInfo.processInfo.environment, stdout: .pipe)
            let locked = await ChildProcess.blocking { ChildProcess.readChunk(holder.stdout!, deadline: Date() + 20) }
            #expect(locked.map { String(decoding: $0, as: UTF8.self) }?.contains("locked") == true)
            let create = #"""
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"create_lead","arguments":{"name":"Stuck"}}}
                """#
            let started = ContinuousClock.now
            let stuck = try await Self.post(server, create, key: key)
            #expect(stuck.status == 504 && stuck.body.contains("took longer"), "\(stuck.status) \(stuck.body)")
            #expect(ContinuousClock.now - started < .seconds(8))
            holder.signal(SIGKILL)
            _ = await holder.exitStatus()
            let made = try await Self.post(server, create, key: key)
            #expect(made.status == 200 && made.body.contains(#""created":true"#), "\(made.body)")

            let url = try #require(
                server.output.firstMatch(of: /Metrics for Prometheus at (http:\/\/127\.0\.0\.1:[0-9]+\/metrics)/)
                    .map { String($0.output.1) })
            let metrics = String(
                buffer: try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
                    .body.collect(upTo: 1 << 22))
            let line = metrics.split(separator: "\n").first {
                $0.hasPrefix("leadlight_mcp_tool_calls_total") && $0.contains(#"tool="create_lead""#)
                    && $0.contains(#"outcome="ok""#)
            }
            // the second create, and the stuck one when it got the lock after all (as its answer warned)
            let calls = line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
            #expect(calls >= 1 && calls <= 2, "\(metrics.split(separator: "\n").filter { $0.contains("mcp") })")
            #expect(metrics.contains(#"leadlight_mcp_tool_calls_total{tool="tools/list""#) == false)
        }
        #expect(status == 0)
    }

    // MARK: Helpers

    /// A first-run `leadlight serve` on a SQLite file of its own, with `arguments` and `environment`, given to
    /// `body` with its demo key and the file's path; stopped, and its directory removed, however `body` ends.
    /// Answers the server's exit status.
    @discardableResult
    static func withServer(
        _ arguments: [String] = [], environment: [String: String] = [:], alsoPrinting: String? = nil,
        _ body: (ServerProcess, _ key: String, _ database: String) async throws -> Void
    ) async throws -> Int32 {
        let directory = try makeTemporaryDirectory("leadlight-mcp")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("db.sqlite").path
        let server = try await ServerProcess.start(
            ["--database-url", database] + arguments, environment: environment, alsoPrinting: alsoPrinting)
        do {
            try await body(server, try Self.firstRunKey(server), database)
        } catch {
            await server.stop()
            throw error
        }
        return await server.stop()
    }

    static func firstRunKey(_ server: ServerProcess) throws -> String {
        try #require(server.output.firstMatch(of: /alk_live_[0-9A-Za-z]+/).map { String($0.output) })
    }

    /// Runs `mcp_client.py` with `plan`; its JSON answer.
    static func runClient(_ plan: [String: Any]) async throws -> [String: Any] {
        let script = try #require(Bundle.module.url(forResource: "mcp_client", withExtension: "py"))
        let output = try await ExternalTool.run(
            "python3", [script.path], input: try JSONSerialization.data(withJSONObject: plan))
        return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    /// One JSON-RPC message POSTed to `/mcp` as a client would.
    static func post(_ server: ServerProcess, _ message: String, key: String?, host: String? = nil) async throws
        -> (status: UInt, body: String, headers: HTTPHeaders)
    {
        var request = HTTPClientRequest(url: "\(server.baseURL)/mcp")
        request.method = .POST
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let host { request.headers.replaceOrAdd(name: "Host", value: host) }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        request.body = .bytes(ByteBuffer(string: message))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return (response.status.code, String(buffer: try await response.body.collect(upTo: 1 << 20)), response.headers)
    }
}
