import AsyncHTTPClient
import Foundation
import Leadlight
import Logging
import NIOCore
import SQLKit

/// Issue 10's benchmark: the dashboard's busiest pages — the leads inbox, the pipeline board and the overview —
/// with 10,000 leads and 2,000 clients stored, signed in with a session cookie, measured with wrk against a
/// release `leadlight serve` on SQLite, beside `GET /api/v1/leads?limit=50` in the same run.
struct DashboardBenchmark {
    let seconds: Int
    static let storedClients = 2_000
    static let password = "benchmark password"

    func run() async throws -> String {
        var text = """
            \(LeadsBenchmark.storedLeads) leads and \(Self.storedClients) clients stored, SQLite, rate limit raised; \
            wrk -t1 for \(self.seconds) s per line. Median is wrk's 50th percentile latency: at one connection it is \
            the server's time for the page plus the loopback round trip.

            | page | statements | requests/s, 8 connections | median ms, 1 connection |
            |---|---:|---:|---:|

            """
        try await LeadsBenchmark.withFreshDatabase(adminURL: nil) { url in
            let key = try LeadsBenchmark.createWorkspace(url)
            try await LeadsBenchmark.seedLeads(url)
            try await Self.seedClients(url)
            let server = try BenchServer.start(environment: [
                "LEADLIGHT_DATABASE_URL": url, "LEADLIGHT_RATE_LIMIT": "10000000", "LEADLIGHT_LOG_LEVEL": "error",
            ])
            defer { server.stop() }
            let base = "http://127.0.0.1:\(server.port)"
            let cookie = try await Self.signIn(base)
            // Statements per request, counted from the code: the session and its workspace (2; a touch of the
            // session at most once a minute), then the page's own, whatever the number of rows: the inbox a page
            // and a count, the board a count per stage and the newest cards of every stage, the overview six.
            let pages: [(String, String, [String], String)] = [
                ("/leads", "leads inbox (50 of 10,000)", ["Cookie: \(cookie)"], "2 + 2"),
                ("/clients", "pipeline board (2,000 clients)", ["Cookie: \(cookie)"], "2 + 2"),
                ("/", "overview", ["Cookie: \(cookie)"], "2 + 6"),
                (
                    "/api/v1/leads?limit=50", "API: GET /api/v1/leads?limit=50", ["Authorization: Bearer \(key)"],
                    "0–1 + 2"
                ),
            ]
            for (path, name, headers, statements) in pages {
                FileHandle.standardError.write(Data("dashboard benchmark: \(path)\n".utf8))
                let busy = try LeadsBenchmark.wrk(base + path, headers: headers, seconds: self.seconds, connections: 8)
                let alone = try LeadsBenchmark.wrk(base + path, headers: headers, seconds: self.seconds, connections: 1)
                text +=
                    "| \(name) | \(statements) | \(Int(busy.rate)) | \(String(format: "%.2f", alone.medianMilliseconds)) |\n"
            }
        }
        return text
    }

    /// Signs the owner in and returns the session cookie (`leadlight_session=…`).
    static func signIn(_ base: String) async throws -> String {
        let http = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { _ = http.shutdown() }
        var request = HTTPClientRequest(url: "\(base)/login")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "email=bench%40example.com&password=benchmark%20password"))
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard response.status.code == 303,
            let cookie = response.headers["Set-Cookie"].first?.split(separator: ";").first
        else { throw BenchError("sign-in failed: \(response.status)") }
        return String(cookie)
    }

    /// 2,000 clients straight into the table, spread over the stages.
    static func seedClients(_ url: String) async throws {
        let logger = Logger(label: "bench")
        let stages = ["New", "Searching", "Touring", "Offer", "Under Contract", "Closed", "Lost"]
        try await LeadlightDatabase.withOpen(DatabaseLocation(url), logger: logger) { database in
            let workspace = try await database.sql.raw("SELECT id FROM workspaces").first()!.decode(
                column: "id", as: String.self)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            for batch in 0..<(Self.storedClients / 500) {
                try await database.transaction { tx in
                    var insert = tx.insert(into: "clients").columns(
                        "id", "workspace_id", "name", "email", "phone", "phone_digits", "notes", "buying_stage",
                        "stage_changed_at", "created_at", "updated_at"
                    )
                    for offset in 0..<500 {
                        let index = batch * 500 + offset
                        insert = insert.values(
                            SQLBind("cli_bench\(index)"), SQLBind(workspace), SQLBind("Client \(index)"),
                            SQLBind("client\(index)@example.com"), SQLLiteral.null, SQLLiteral.null, SQLLiteral.null,
                            SQLBind(stages[index % stages.count]), SQLBind(now - Int64(index) * 60_000),
                            SQLBind(now - Int64(index) * 60_000), SQLBind(now)
                        )
                    }
                    try await insert.run()
                }
            }
        }
    }
}
