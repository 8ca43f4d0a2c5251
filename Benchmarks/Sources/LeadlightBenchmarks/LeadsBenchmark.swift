import Foundation
import Hummingbird
import Leadlight
import Logging
import SQLKit

/// Issue 4's benchmark, with `wrk` on 127.0.0.1: `POST /api/v1/leads` and `GET /api/v1/leads?limit=50` (10,000
/// leads stored) against a release `leadlight serve`, and, in the same run, a bare Hummingbird route answering
/// a fixed 50-lead JSON body: the framework's own ceiling on this machine.
struct LeadsBenchmark {
    let postgresURL: String?
    let seconds: Int
    static let storedLeads = 10_000

    func run() async throws -> String {
        let ceiling = try await self.measureCeiling()
        var text = """
            wrk -t1 -c32 for \(self.seconds) s per line, \(Self.storedLeads) leads stored, rate limit raised.

            | database | endpoint | requests/s | vs ceiling |
            |---|---|---:|---:|
            | — | ceiling: Hummingbird route with a fixed 50-lead body | \(Int(ceiling)) | 100% |

            """
        var databases: [(String, String?)] = [("SQLite", nil)]
        if let postgresURL { databases.append(("PostgreSQL", postgresURL)) }
        for (name, admin) in databases {
            FileHandle.standardError.write(Data("leads benchmark on \(name)\n".utf8))
            try await Self.withFreshDatabase(adminURL: admin) { url in
                let key = try Self.createWorkspace(url)
                try await Self.seedLeads(url)
                let server = try BenchServer.start(environment: [
                    "LEADLIGHT_DATABASE_URL": url, "LEADLIGHT_RATE_LIMIT": "10000000", "LEADLIGHT_LOG_LEVEL": "error",
                ])
                defer { server.stop() }
                let base = "http://127.0.0.1:\(server.port)"
                let list = try Self.wrk("\(base)/api/v1/leads?limit=50", key: key, seconds: self.seconds, post: false)
                let create = try Self.wrk("\(base)/api/v1/leads", key: key, seconds: self.seconds, post: true)
                text +=
                    "| \(name) | GET /api/v1/leads?limit=50 | \(Int(list)) | \(Int((list / ceiling * 100).rounded()))% |\n"
                text += "| \(name) | POST /api/v1/leads | \(Int(create)) | — |\n"
            }
        }
        return text
    }

    /// A bare Hummingbird server in this process answering the same JSON shape, fixed bytes.
    func measureCeiling(connections: Int = 32) async throws -> Double {
        let leads = (0..<50).map { index in
            """
            {"id":"lead_\(String(repeating: "x", count: 16))\(index % 10)","name":"Lead \(index)","email":"lead\(index)@example.com",\
            "phone":"(555) 010-\(1000 + index)","source":"zillow","propertyAddress":"\(index) Main St, Miami, FL",\
            "notes":null,"status":"new","clientId":null,"createdAt":"2026-11-23T21:37:38.123Z","updatedAt":"2026-11-23T21:37:38.123Z"}
            """
        }
        let body = ByteBuffer(string: #"{"leads":["# + leads.joined(separator: ",") + #"],"total":10000}"#)
        let router = Router()
        router.get("leads") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "ceiling")
        logger.logLevel = .error
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) }, logger: logger
        )
        return try await withThrowingTaskGroup(of: Double?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            var port = 0
            for await value in portStream {
                port = value
                break
            }
            let rate = try Self.wrk(
                "http://127.0.0.1:\(port)/leads", headers: [], seconds: self.seconds, connections: connections
            ).rate
            group.cancelAll()
            return rate
        }
    }

    /// Runs wrk and reads its `Requests/sec`.
    static func wrk(_ url: String, key: String?, seconds: Int, post: Bool) throws -> Double {
        try self.wrk(url, headers: key.map { ["Authorization: Bearer \($0)"] } ?? [], seconds: seconds, post: post)
            .rate
    }

    /// Runs wrk and reads its `Requests/sec` and its median latency in milliseconds.
    static func wrk(
        _ url: String, headers: [String], seconds: Int, connections: Int = 32, post: Bool = false,
        script given: URL? = nil
    ) throws -> (rate: Double, medianMilliseconds: Double) {
        var arguments = ["-t1", "-c\(connections)", "-d\(seconds)s", "--latency"]
        var script: URL?
        if let given { arguments += ["-s", given.path] }
        for header in headers { arguments += ["-H", header] }
        if post {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("wrk-post-\(UUID()).lua")
            try """
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            wrk.body = '{"name": "Benchmark Lead", "email": "bench@example.com", "phone": "555-0100", "source": "wrk"}'
            """.write(to: file, atomically: true, encoding: .utf8)
            arguments += ["-s", file.path]
            script = file
        }
        defer { if let script { try? FileManager.default.removeItem(at: script) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = arguments + [url]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = PipeReader.readToEnd(output.fileHandleForReading)
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        FileHandle.standardError.write(Data(text.utf8))
        guard text.contains("Non-2xx") == false,
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
            let rate = Double(line.split(separator: " ").last ?? ""),
            let median = text.split(separator: "\n").first(where: {
                $0.trimmingCharacters(in: .whitespaces).hasPrefix("50%")
            })
            .flatMap({ $0.split(separator: " ").last }).flatMap(Self.milliseconds)
        else { throw BenchError("wrk failed or saw errors for \(url):\n\(text)") }
        return (rate, median)
    }

    /// wrk's `812.00us`, `1.20ms` or `2.01s` in milliseconds.
    static func milliseconds(_ text: Substring) -> Double? {
        for (unit, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * factor }
        }
        return nil
    }

    static func createWorkspace(_ url: String) throws -> String {
        let created = try BenchServer.run(
            [
                "workspace", "create", "--name", "Bench", "--agent-id", "bench", "--owner-email", "bench@example.com",
                "--owner-password", DashboardBenchmark.password, "--database-url", url, "--json",
            ],
            environment: ["LEADLIGHT_BCRYPT_COST": "4"]
        )
        return try JSONDecoder().decode([String: String?].self, from: Data(created.utf8))["apiKey"]!!
    }

    /// 10,000 leads straight into the table, in multi-row statements.
    static func seedLeads(_ url: String) async throws {
        let logger = Logger(label: "bench")
        try await LeadlightDatabase.withOpen(DatabaseLocation(url), logger: logger) { database in
            let workspace = try await database.sql.raw("SELECT id FROM workspaces").first()!.decode(
                column: "id", as: String.self)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            for batch in 0..<(Self.storedLeads / 1000) {
                try await database.transaction { tx in
                    var insert = tx.insert(into: "leads").columns(
                        "id", "workspace_id", "name", "email", "phone", "phone_digits", "source", "property_address",
                        "notes", "status", "created_at", "updated_at"
                    )
                    for offset in 0..<1000 {
                        let index = batch * 1000 + offset
                        insert = insert.values(
                            SQLBind("lead_bench\(index)"), SQLBind(workspace), SQLBind("Lead \(index)"),
                            SQLBind("lead\(index)@example.com"), SQLBind("(555) 010-\(1000 + index % 9000)"),
                            SQLBind("5550101000"), SQLBind("zillow"), SQLBind("\(index) Main St, Miami, FL"),
                            SQLLiteral.null,
                            SQLBind(index % 5 == 0 ? "contacted" : "new"), SQLBind(now + Int64(index)),
                            SQLBind(now + Int64(index))
                        )
                    }
                    try await insert.run()
                }
            }
        }
    }

    static func withFreshDatabase(adminURL: String?, _ body: (String) async throws -> Void) async throws {
        guard let adminURL else {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("leadlight-bench-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(directory.appendingPathComponent("bench.sqlite").path)
            return
        }
        try await ProductsBenchmark(database: .postgres(adminURL: adminURL), batches: 0, rounds: 0).withFreshDatabase(
            body)
    }
}
