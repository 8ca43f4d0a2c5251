import AsyncHTTPClient
import Foundation
import Leadlight
import Logging
import NIOCore
import SQLKit

/// Issue 3's benchmark: 1,000-row batches pushed over HTTP to `leadlight serve` (fresh inserts, updates of
/// every row, an unchanged re-run), against the ceiling of the same rows inserted directly through the same
/// driver with one multi-row INSERT per batch and no HTTP. Every round uses fresh databases.
struct ProductsBenchmark {
    enum Database {
        case sqlite
        case postgres(adminURL: String)

        var name: String {
            switch self {
            case .sqlite: "SQLite"
            case .postgres: "PostgreSQL"
            }
        }
    }

    let database: Database
    let batches: Int
    let rounds: Int
    static let rowsPerBatch = 1000

    /// Timings of one case: every batch's wall time, in seconds.
    struct Timings {
        var batchSeconds: [Double] = []

        var rowsPerSecond: Double {
            Double(self.batchSeconds.count * ProductsBenchmark.rowsPerBatch) / self.batchSeconds.reduce(0, +)
        }

        func percentile(_ p: Double) -> Double {
            let sorted = self.batchSeconds.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
        }
    }

    struct Report {
        var lines: [(database: String, insert: Timings, update: Timings, unchanged: Timings, ceiling: Timings)] = []

        func markdown(batches: Int, rounds: Int) -> String {
            func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }
            func rate(_ value: Double) -> String { String(format: "%.0f", value) }
            var text = """
                Batches of \(ProductsBenchmark.rowsPerBatch) rows, \(batches) batches a case, \(rounds) rounds, \
                each round on fresh databases. Rows/s over all batches; batch times are the median and p90.

                | database | case | rows/s | batch median (ms) | batch p90 (ms) | vs ceiling |
                |---|---|---:|---:|---:|---:|

                """
            for line in self.lines {
                let ceiling = line.ceiling.rowsPerSecond
                for (name, timings) in [
                    ("HTTP upsert, fresh inserts", line.insert), ("HTTP upsert, every row updated", line.update),
                    ("HTTP upsert, unchanged re-run", line.unchanged),
                    ("ceiling: direct multi-row INSERT", line.ceiling),
                ] {
                    text +=
                        "| \(line.database) | \(name) | \(rate(timings.rowsPerSecond)) | "
                        + "\(ms(timings.percentile(0.5))) | \(ms(timings.percentile(0.9))) | "
                        + String(format: "%.0f%%", timings.rowsPerSecond / ceiling * 100) + " |\n"
                }
            }
            text += "\n"
            for line in self.lines {
                text +=
                    "- \(line.database): fresh inserts reach "
                    + String(format: "%.0f%%", line.insert.rowsPerSecond / line.ceiling.rowsPerSecond * 100)
                    + " of the ceiling; an unchanged re-run is "
                    + String(format: "%.1f×", line.unchanged.rowsPerSecond / line.update.rowsPerSecond)
                    + " as fast as an update run.\n"
            }
            return text
        }
    }

    func run(into report: inout Report) async throws {
        var insert = Timings()
        var update = Timings()
        var unchanged = Timings()
        var ceiling = Timings()
        for round in 0..<self.rounds {
            FileHandle.standardError.write(Data("\(self.database.name): round \(round + 1) of \(self.rounds)\n".utf8))
            try await self.withFreshDatabase { url in
                let created = try BenchServer.run(
                    [
                        "workspace", "create", "--name", "Bench", "--agent-id", "bench", "--owner-email",
                        "bench@example.com",
                        "--database-url", url, "--json",
                    ],
                    environment: ["LEADLIGHT_BCRYPT_COST": "4"]
                )
                let key = try JSONDecoder().decode([String: String?].self, from: Data(created.utf8))["apiKey"]!!
                let server = try BenchServer.start(environment: [
                    "LEADLIGHT_DATABASE_URL": url, "LEADLIGHT_RATE_LIMIT": "10000000", "LEADLIGHT_LOG_LEVEL": "error",
                ])
                defer { server.stop() }
                let fresh = try (0..<self.batches).map { try Self.body(batch: $0, version: 0) }
                let changed = try (0..<self.batches).map { try Self.body(batch: $0, version: 1) }
                insert.batchSeconds += try await self.push(fresh, to: server, key: key, expect: "created")
                update.batchSeconds += try await self.push(changed, to: server, key: key, expect: "updated")
                unchanged.batchSeconds += try await self.push(changed, to: server, key: key, expect: "unchanged")
            }
            try await self.withFreshDatabase { url in
                ceiling.batchSeconds += try await self.insertDirectly(databaseURL: url)
            }
        }
        report.lines.append((self.database.name, insert, update, unchanged, ceiling))
    }

    /// The rows of one batch as the API takes them; `version` changes every row's price and stock.
    static func rows(batch: Int, version: Int) -> [(
        sku: String, name: String, price: String, priceUnits: Int64, stock: Int
    )] {
        (0..<Self.rowsPerBatch).map { offset in
            let index = batch * Self.rowsPerBatch + offset
            let cents = 10 + version
            return (
                "BENCH-\(index)", "Product \(index)", "\(index % 1000).\(cents)",
                Int64(index % 1000) * 10_000 + Int64(cents) * 100, (index + version) % 500
            )
        }
    }

    static func body(batch: Int, version: Int) throws -> ByteBuffer {
        let products: [[String: Any]] = Self.rows(batch: batch, version: version).map { row in
            [
                "name": row.name, "sku": row.sku, "price": row.price, "stockQty": row.stock, "unit": "piece",
                "description": "A benchmark product with a description of ordinary length.",
            ]
        }
        return ByteBuffer(data: try JSONSerialization.data(withJSONObject: ["products": products]))
    }

    func push(_ bodies: [ByteBuffer], to server: BenchServer, key: String, expect status: String) async throws
        -> [Double]
    {
        var seconds: [Double] = []
        for body in bodies {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/products")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
            let started = ContinuousClock.now
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let answer = try await response.body.collect(upTo: 64 << 20)
            seconds.append((ContinuousClock.now - started).seconds)
            let text = String(buffer: answer)
            guard response.status.code == 200, text.contains("\"\(status)\":\(Self.rowsPerBatch)") else {
                throw BenchError("unexpected answer \(response.status.code): \(text.prefix(300))")
            }
        }
        return seconds
    }

    /// The ceiling: the same rows, one multi-row INSERT per batch in its own transaction, no HTTP, no checks.
    func insertDirectly(databaseURL: String) async throws -> [Double] {
        let logger = Logger(label: "bench")
        return try await LeadlightDatabase.withOpen(DatabaseLocation(databaseURL), logger: logger) { database in
            try await Migrator(database: database).migrate(logger: logger)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            try await database.transaction { tx in
                try await tx.raw(
                    """
                    INSERT INTO workspaces (id, name, agent_id, currency, time_zone, created_at, updated_at)
                    VALUES ('wsp_bench', 'Bench', 'bench', 'USD', 'UTC', \(bind: now), \(bind: now))
                    """
                ).run()
            }
            var seconds: [Double] = []
            for batch in 0..<self.batches {
                let rows = Self.rows(batch: batch, version: 0)
                let started = ContinuousClock.now
                try await database.transaction { tx in
                    var insert = tx.insert(into: "offerings").columns(
                        "id", "workspace_id", "type", "name", "description", "price_units", "currency", "active", "sku",
                        "stock_qty", "reorder_level", "unit", "billing_period", "term_months", "external_id",
                        "created_at", "updated_at"
                    )
                    for row in rows {
                        insert = insert.values(
                            SQLBind("off_\(row.sku)"), SQLBind("wsp_bench"), SQLBind("PRODUCT"), SQLBind(row.name),
                            SQLBind("A benchmark product with a description of ordinary length."),
                            SQLBind(row.priceUnits), SQLBind("USD"),
                            SQLBind(true), SQLBind(row.sku), SQLBind(row.stock), SQLLiteral.null, SQLBind("piece"),
                            SQLLiteral.null, SQLLiteral.null, SQLBind(row.sku), SQLBind(now), SQLBind(now)
                        )
                    }
                    try await insert.run()
                }
                seconds.append((ContinuousClock.now - started).seconds)
            }
            return seconds
        }
    }

    func withFreshDatabase(_ body: (String) async throws -> Void) async throws {
        switch self.database {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("leadlight-bench-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(directory.appendingPathComponent("bench.sqlite").path)
        case .postgres(let adminURL):
            let name = "leadlight_bench_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            let logger = Logger(label: "bench")
            try await LeadlightDatabase.withOpen(.postgres(url: adminURL), logger: logger) {
                let statement = "CREATE DATABASE \(name)"
                try await $0.sql.raw(SQLQueryString(statement)).run()
            }
            var components = URLComponents(string: adminURL)!
            components.path = "/\(name)"
            do {
                try await body(components.string!)
            } catch {
                try? await Self.drop(name, adminURL: adminURL)
                throw error
            }
            try await Self.drop(name, adminURL: adminURL)
        }
    }

    private static func drop(_ name: String, adminURL: String) async throws {
        try await LeadlightDatabase.withOpen(.postgres(url: adminURL), logger: Logger(label: "bench")) {
            let statement = "DROP DATABASE \(name) WITH (FORCE)"
            try await $0.sql.raw(SQLQueryString(statement)).run()
        }
    }
}

extension Duration {
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
