import Foundation

/// Issue 13's benchmark: `tools/call` of `search_leads` (20 of 10,000 leads) over MCP's Streamable HTTP at
/// `/mcp`, beside the same page from `GET /api/v1/leads?limit=20` in the same run, on a release `leadlight serve`
/// on SQLite, with wrk. The target: at least 1,000 calls a second, and at least a third of the REST rate.
struct MCPBenchmark {
    let seconds: Int

    func run() async throws -> String {
        var text = """
            \(LeadsBenchmark.storedLeads) leads stored, SQLite, rate limit raised; wrk -t1 for \(self.seconds) s per \
            line. Each MCP call is a POST of one JSON-RPC `tools/call` (`search_leads`, limit 20) answered with the \
            tool's result; the REST line reads the same 20 leads. Both keep answers for up to 1 s in the same \
            cache, as served; the second server has it off, for the list read from the database every time.

            | request | connections | requests/s | MCP vs REST | MCP vs REST, cache off |
            |---|---:|---:|---:|---:|

            """
        try await LeadsBenchmark.withFreshDatabase(adminURL: nil) { url in
            let key = try LeadsBenchmark.createWorkspace(url)
            try await LeadsBenchmark.seedLeads(url)
            let server = try BenchServer.start(environment: [
                "LEADLIGHT_DATABASE_URL": url, "LEADLIGHT_RATE_LIMIT": "10000000", "LEADLIGHT_LOG_LEVEL": "error",
            ])
            defer { server.stop() }
            let base = "http://127.0.0.1:\(server.port)"
            let script = FileManager.default.temporaryDirectory.appendingPathComponent("wrk-mcp-\(UUID()).lua")
            try """
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["Accept"] = "application/json, text/event-stream"
            wrk.headers["MCP-Protocol-Version"] = "2025-06-18"
            wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_leads","arguments":{"limit":20}}}'
            """.write(to: script, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: script) }
            let authorization = ["Authorization: Bearer \(key)"]
            // the same database served again with the list cache off: the REST list reading it every time, as
            // the tool does
            let uncached = try BenchServer.start(environment: [
                "LEADLIGHT_DATABASE_URL": url, "LEADLIGHT_RATE_LIMIT": "10000000", "LEADLIGHT_LOG_LEVEL": "error",
                "LEADLIGHT_READ_CACHE_WINDOW": "0",
            ])
            defer { uncached.stop() }
            for connections in [1, 8] {
                FileHandle.standardError.write(Data("mcp benchmark: \(connections) connections\n".utf8))
                let rest = try LeadsBenchmark.wrk(
                    "\(base)/api/v1/leads?limit=20", headers: authorization, seconds: self.seconds,
                    connections: connections
                ).rate
                let restUncached = try LeadsBenchmark.wrk(
                    "http://127.0.0.1:\(uncached.port)/api/v1/leads?limit=20", headers: authorization,
                    seconds: self.seconds, connections: connections
                ).rate
                let mcp = try LeadsBenchmark.wrk(
                    "\(base)/mcp", headers: authorization, seconds: self.seconds, connections: connections,
                    script: script
                ).rate
                text += "| GET /api/v1/leads?limit=20 | \(connections) | \(Int(rest)) | | |\n"
                text += "| GET /api/v1/leads?limit=20, list cache off | \(connections) | \(Int(restUncached)) | | |\n"
                text +=
                    "| MCP tools/call search_leads | \(connections) | \(Int(mcp)) | \(Int((mcp / rest * 100).rounded()))% "
                    + "| \(Int((mcp / restUncached * 100).rounded()))% |\n"
            }
        }
        return text
    }
}
