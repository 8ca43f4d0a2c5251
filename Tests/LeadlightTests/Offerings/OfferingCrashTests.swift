import AsyncHTTPClient
import Foundation
import NIOCore
import SQLKit
import Testing

@testable import Leadlight

/// Atomic batches: a server killed with SIGKILL while it writes a batch, restarted, and sent the same
/// request again ends in exactly the state one successful request would have left (issue 3).
@Suite(.takingTurns) struct OfferingCrashTests {
    private static func batch(version: Int) throws -> Data {
        let rows: [[String: Any]] = (0..<1000).map { index in
            [
                "name": "Item \(index) v\(version)", "sku": "CRASH-\(index)", "price": "\(index).\(version % 100)",
                "stockQty": version, "description": String(repeating: "lorem ipsum ", count: 8),
            ]
        }
        return try JSONSerialization.data(withJSONObject: ["products": rows])
    }

    private static func push(
        _ body: Data,
        to server: ServerProcess,
        key: String,
        timeout: TimeAmount = .seconds(60)
    ) async throws -> UInt {
        try await server.request(.POST, "/api/v1/products", key: key, json: body, timeout: timeout).status
    }

    private struct StoredRow: Sendable {
        var sku: String
        var name: String
        var stockQty: Int
    }

    private static func storedRows(_ location: DatabaseLocation) async throws -> [StoredRow] {
        try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
            try await database.sql.select().column("sku").column("name").column("stock_qty").from("offerings")
                .all().map {
                    StoredRow(
                        sku: try $0.decode(column: "sku", as: String.self),
                        name: try $0.decode(column: "name", as: String.self),
                        stockQty: try $0.decode(column: "stock_qty", as: Int.self)
                    )
                }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRetryAfterKill9LeavesExactlyTheStateOfOneSuccess(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            let url = location.databaseURL
            let key = try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await Migrator(database: database).migrate(logger: TestDatabase.logger)
                return try await TestSeed(database: database, clock: .system).apiKey()
            }
            let environment = ["LEADLIGHT_DATABASE_URL": url, "LEADLIGHT_RATE_LIMIT": "10000"]
            // How long one batch takes here, so the kills can be spread before, during and after its write.
            let first = try await ServerProcess.start(environment: environment)
            let started = ContinuousClock.now
            #expect(try await Self.push(try Self.batch(version: 0), to: first, key: key) == 200)
            let batchTime = ContinuousClock.now - started
            await first.stop()

            let fractions = [0.0, 0.15, 0.3, 0.45, 0.6, 0.8, 1.0, 1.5, 3.0]
            var committedBeforeKill = 0
            for (step, fraction) in fractions.enumerated() {
                let version = step + 1
                let delay = batchTime * fraction
                let body = try Self.batch(version: version)
                let server = try await ServerProcess.start(environment: environment)
                // (short timeout: a request that never reached the server is retried by the client pool until then)
                let inFlight = Task { try? await Self.push(body, to: server, key: key, timeout: .seconds(2)) }
                try await Task.sleep(for: delay)
                await server.kill9()
                _ = await inFlight.value

                // Right after the kill the batch is either wholly there or wholly absent, never in part.
                let afterKill = try await Self.storedRows(location)
                let versions = Set(afterKill.map(\.stockQty))
                #expect(afterKill.count == 1000 && (versions == [version - 1] || versions == [version]))
                if versions == [version] { committedBeforeKill += 1 }

                let restarted = try await ServerProcess.start(environment: environment)
                let status = try await Self.push(body, to: restarted, key: key)
                await restarted.stop()
                #expect(status == 200, "version \(version)")

                let stored = try await Self.storedRows(location)
                #expect(stored.count == 1000, "version \(version)")
                #expect(Set(stored.map(\.sku)).count == 1000)
                #expect(
                    stored.allSatisfy { $0.stockQty == version && $0.name.hasSuffix(" v\(version)") },
                    "version \(version)")
            }
            // The kills landed on both sides of the commit at least once (else the test proved little).
            #expect(
                committedBeforeKill > 0 && committedBeforeKill < fractions.count,
                "committed before the kill: \(committedBeforeKill) of \(fractions.count)")
        }
    }
}
