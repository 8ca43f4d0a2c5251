import Foundation
import NIOHTTP1
import Testing

@testable import Leadlight

/// `leadlight workspace export` and `import` (issue 14): a workspace with something in every table goes from one
/// database to another and comes out the same, record for record; what must be refused is, with nothing written.
@Suite(.takingTurns) struct WorkspaceTransferTests {
    @Test(arguments: TestDatabase.available)
    func aWorkspaceRoundTripsIntoAnotherDatabaseRecordForRecord(into kind: TestDatabase) async throws {
        let directory = try makeTemporaryDirectory("leadlight-transfer")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("source.sqlite").path
        let (agentID, key) = try await Self.makeAWorkspaceWithEverything(in: source)
        let exported = directory.appendingPathComponent("export.jsonl").path
        let export = try await LeadlightProcess.run(
            ["workspace", "export", "--agent-id", agentID, "--to", exported, "--database-url", source])
        #expect(export.status == 0, "\(export.stderr)")
        let lines = try String(contentsOfFile: exported, encoding: .utf8).split(separator: "\n")
        let tables = Set(lines.compactMap { $0.firstMatch(of: /^\{"type":"([a-z_]+)","record"/)?.output.1 })
        let expected: Set<Substring> = [
            "workspaces", "users", "api_keys", "offerings", "clients", "leads", "listings", "showings", "notes",
            "public_files", "events", "event_subjects", "webhook_endpoints", "webhook_deliveries", "webhook_attempts",
            "imports", "import_failures",
        ]
        #expect(tables.isSuperset(of: expected), "missing: \(expected.subtracting(tables))")

        try await kind.withFreshLocation { location in
            let target = location.databaseURL
            let loaded = try await LeadlightProcess.run(["workspace", "import", exported, "--database-url", target])
            #expect(loaded.status == 0, "\(loaded.stderr)")
            #expect(loaded.stdout.contains("Imported \(agentID)"))
            let again = directory.appendingPathComponent("again-\(kind).jsonl").path
            let reexport = try await LeadlightProcess.run(
                ["workspace", "export", "--agent-id", agentID, "--to", again, "--database-url", target])
            #expect(reexport.status == 0, "\(reexport.stderr)")
            let reexported = try String(contentsOfFile: again, encoding: .utf8).split(separator: "\n")
            // every record the same, in the same order; only the header's time differs
            #expect(Array(reexported.dropFirst()) == Array(lines.dropFirst()))

            // the second time, the agent id is there: refused, and the database is as it was
            let twice = try await LeadlightProcess.run(["workspace", "import", exported, "--database-url", target])
            #expect(twice.status == 1)
            #expect(twice.stderr.contains("already has the workspace \(agentID)"), "\(twice.stderr)")

            // and a server on the other database serves the workspace to its old key
            let server = try await ServerProcess.start(["--database-url", target])
            let leads = try await server.request(.GET, "/api/v1/leads?limit=50", key: key)
            await server.stop()
            #expect(leads.status == 200)
            #expect(leads.body.contains("\"total\":3"), "\(leads.body)")
        }
    }

    @Test func aDamagedFileIsRefusedWithItsLineAndNothingIsWritten() async throws {
        let directory = try makeTemporaryDirectory("leadlight-transfer")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("source.sqlite").path
        let (agentID, _) = try await Self.makeAWorkspaceWithEverything(in: source)
        let exported = directory.appendingPathComponent("export.jsonl").path
        _ = try await LeadlightProcess.run(
            ["workspace", "export", "--agent-id", agentID, "--to", exported, "--database-url", source])
        let lines = try String(contentsOfFile: exported, encoding: .utf8).split(separator: "\n").map(String.init)
        let leadLine = try #require(lines.firstIndex { $0.hasPrefix(#"{"type":"leads""#) })
        let eventLine = try #require(lines.firstIndex { $0.hasPrefix(#"{"type":"events""#) })

        let damaged: [(name: String, lines: [String], reason: String)] = [
            ("cut short", Array(lines.dropLast(3)), "cut short"),
            (
                "not JSON", lines.enumerated().map { $0.offset == leadLine ? "{\"type\":\"leads\",\"rec" : $0.element },
                "line \(leadLine + 1): not JSON"
            ),
            (
                "out of order", Self.moving(eventLine, before: leadLine, in: lines),
                "records must come in the export's order"
            ),
            (
                "unknown column",
                lines.enumerated().map {
                    $0.offset == leadLine
                        ? $0.element.replacingOccurrences(of: #""record":{"#, with: #""record":{"colour":"red","#)
                        : $0.element
                }, "line \(leadLine + 1): leads has no column colour"
            ),
            (
                "wrong kind",
                lines.enumerated().map {
                    $0.offset == leadLine
                        ? $0.element.replacing(#/"created_at":[0-9]+/#, with: #""created_at":"yesterday""#) : $0.element
                }, "leads.created_at is not integer"
            ),
            ("another file", [#"{"type":"something else"}"#], "not a Leadlight workspace export"),
        ]
        for (name, content, reason) in damaged {
            let target = directory.appendingPathComponent("target-\(UUID()).sqlite").path
            let file = directory.appendingPathComponent("\(UUID()).jsonl").path
            try content.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let refused = try await LeadlightProcess.run(["workspace", "import", file, "--database-url", target])
            #expect(refused.status == 1, "\(name)")
            #expect(refused.stderr.contains(reason), "\(name): \(refused.stderr)")
            let list = try await LeadlightProcess.run(["workspace", "list", "--database-url", target])
            #expect(!list.stdout.contains(agentID), "\(name): nothing was written")
        }
        let unknown = try await LeadlightProcess.run(
            ["workspace", "export", "--agent-id", "nobody-here", "--database-url", source])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no workspace has the agentId nobody-here"))
        let overwrite = try await LeadlightProcess.run(
            ["workspace", "export", "--agent-id", agentID, "--to", exported, "--database-url", source])
        #expect(overwrite.status == 64, "an export never overwrites a file")
    }

    /// A server's first-run workspace, given through the API a lead converted to a client with a note, two more
    /// leads, a listing and a showing, an offering, a second key, a webhook with deliveries and their attempts;
    /// then a public file (bytes) written directly. Answers its agent id and API key.
    private static func makeAWorkspaceWithEverything(in path: String) async throws -> (agentID: String, key: String) {
        let receiver = WebhookReceiver()
        try await receiver.start()
        let server = try await ServerProcess.start(
            ["--database-url", path, "--rate-limit", "100000"],
            environment: ["LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE": "1", "LEADLIGHT_WEBHOOKS_POLL_INTERVAL": "0.05"])
        let key = try #require(server.output.firstMatch(of: /alk_live_[0-9A-Za-z]+/).map { String($0.output) })
        let agentID = try #require(server.output.firstMatch(of: /agentId: ([a-z0-9-]+)/).map { String($0.output.1) })
        func send(_ method: HTTPMethod, _ path: String, _ json: String) async throws -> String {
            let answer = try await server.request(method, path, key: key, json: Data(json.utf8))
            guard (200..<300).contains(answer.status) else {
                throw UnexpectedAnswer(status: .init(code: Int(answer.status)), body: answer.body)
            }
            return answer.body
        }
        func id(_ body: String, _ field: String) throws -> String {
            try #require(
                body.firstMatch(of: try Regex(#""\#(field)":"([^"]+)""#)).map { String($0.output[1].substring!) })
        }
        do {
            _ = try await send(.POST, "/api/v1/webhooks", #"{"url":"\#(receiver.url)","events":["*"]}"#)
            _ = try await send(.POST, "/api/v1/api-keys", #"{"name":"Second"}"#)
            _ = try await send(.POST, "/api/v1/products", #"{"name":"Staging","sku":"STG-1","price":"120.50"}"#)
            let imported = try await server.request(
                .POST, "/api/v1/products/import?fileName=catalog.csv", key: key,
                body: Data("sku,name,price\nCSV-1,Chair,40\nCSV-2,Broken,forty\n".utf8), contentType: "text/csv")
            #expect(imported.status == 207, "\(imported.body)")
            let first = try id(
                try await send(.POST, "/api/v1/leads", #"{"name":"Ann","email":"ann@example.com"}"#), "leadId")
            _ = try await send(.POST, "/api/v1/leads", #"{"name":"Bo","phone":"+15550100"}"#)
            _ = try await send(.POST, "/api/v1/leads", #"{"name":"Cy","email":"cy@example.com"}"#)
            let client = try id(try await send(.POST, "/api/v1/leads/\(first)/convert", "{}"), "clientId")
            _ = try await send(.POST, "/api/v1/clients/\(client)/notes", #"{"text":"Wants a garden"}"#)
            let listing = try id(
                try await send(.POST, "/api/v1/listings", #"{"address":"9 Elm St","price":450000}"#), "listingId")
            _ = try await send(.POST, "/api/v1/showings", #"{"clientId":"\#(client)","listingId":"\#(listing)"}"#)
            _ = try await receiver.waitForArrivals(6)
            try await Task.sleep(for: .milliseconds(300))  // the attempts recorded
        } catch {
            await server.stop()
            await receiver.stop()
            throw error
        }
        await server.stop()
        await receiver.stop()
        try await LeadlightDatabase.withOpen(.sqlite(path: path), logger: TestDatabase.logger) { database in
            let workspace = try #require(
                try await WorkspaceStore(database: database.sql).find(agentID: AgentID(rawValue: agentID)!))
            try await database.sql.raw(
                """
                INSERT INTO public_files (workspace_id, kind, content_type, file_name, size, content, uploaded_at)
                VALUES (\(bind: workspace.id.rawValue), 'guide', 'application/pdf', 'guide.pdf', 4,
                    \(bind: Data([0x25, 0x50, 0x00, 0xFF])), 1796563215741)
                """
            ).run()
        }
        return (agentID, key)
    }

    private static func moving(_ index: Int, before target: Int, in lines: [String]) -> [String] {
        var lines = lines
        let line = lines.remove(at: index)
        lines.insert(line, at: target)
        return lines
    }

}
