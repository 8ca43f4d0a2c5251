import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Synchronization
import Testing

@testable import Leadlight

/// Reads reused from memory never hide this process's own writes, and show another process's within the window.
@Suite(.takingTurns) struct ReadCacheTests {
    /// Counts the reads that reached the "database".
    private final class Reads: Sendable {
        let count = Atomic<Int>(0)
        func read(_ value: String?) -> String? {
            self.count.add(1, ordering: .relaxed)
            return value
        }
        var total: Int { self.count.load(ordering: .relaxed) }
    }

    private struct Failure: Error {}

    @Test func aValueIsReusedUntilThisProcessWritesOrTheWindowPasses() async throws {
        let writes = WriteGeneration()
        let cache = ReadCache<String>(window: .milliseconds(300), writes: writes)
        let reads = Reads()
        #expect(try await cache.value(for: "a") { reads.read("first") } == "first")
        #expect(try await cache.value(for: "a") { reads.read("second") } == "first")
        #expect(reads.total == 1)
        #expect(try await cache.value(for: "b") { reads.read("other key") } == "other key")
        #expect(reads.total == 2)

        writes.advance()  // a write transaction of this process ended: read again at once
        #expect(try await cache.value(for: "a") { reads.read("after a write") } == "after a write")
        #expect(reads.total == 3)

        try await Task.sleep(for: .milliseconds(350))  // past the window: another process may have written
        #expect(try await cache.value(for: "a") { reads.read("after the window") } == "after the window")
        #expect(reads.total == 4)
    }

    @Test func aWriteEndingDuringTheReadMakesWhatItReadStale() async throws {
        let writes = WriteGeneration()
        let cache = ReadCache<String>(window: .seconds(60), writes: writes)
        _ = try await cache.value(for: "a") { () async throws -> String? in
            writes.advance()  // committed while the read was under way: the read may predate it
            return "maybe old"
        }
        #expect(try await cache.value(for: "a") { "fresh" } == "fresh")
    }

    @Test func absentValuesFailuresAndAZeroWindowAreNeverKept() async throws {
        let writes = WriteGeneration()
        let cache = ReadCache<String>(window: .seconds(60), writes: writes)
        let reads = Reads()
        #expect(try await cache.value(for: "missing") { reads.read(nil) } == nil)
        #expect(try await cache.value(for: "missing") { reads.read(nil) } == nil)
        #expect(reads.total == 2, "an unknown key is looked up every time")
        await #expect(throws: Failure.self) {
            _ = try await cache.value(for: "failing") { () async throws -> String? in throw Failure() }
        }
        #expect(try await cache.value(for: "failing") { reads.read("recovered") } == "recovered")

        let off = ReadCache<String>(window: .zero, writes: writes)
        _ = try await off.value(for: "a") { reads.read("one") }
        #expect(try await off.value(for: "a") { reads.read("two") } == "two")
    }

    @Test func aFullCacheDropsWhatIsStaleFirstAndNeverKeepsMoreThanItsCapacity() async throws {
        let writes = WriteGeneration()
        let cache = ReadCache<String>(window: .seconds(60), writes: writes, capacity: 10, cost: \.count)
        let reads = Reads()
        _ = try await cache.value(for: "a") { "aaaa" }  // 4
        writes.advance()  // "a" is stale now
        _ = try await cache.value(for: "b") { "bbbb" }  // 8 in all
        _ = try await cache.value(for: "c") { "cccc" }  // over 10: the stale "a" goes, "b" stays
        #expect(try await cache.value(for: "b") { reads.read("again") } == "bbbb")
        #expect(try await cache.value(for: "c") { reads.read("again") } == "cccc")
        #expect(reads.total == 0)
        _ = try await cache.value(for: "d") { "dddd" }  // nothing stale to drop: start afresh with "d"
        #expect(try await cache.value(for: "d") { reads.read("again") } == "dddd")
        #expect(try await cache.value(for: "b") { reads.read("read again") } == "read again")
        #expect(try await cache.value(for: "huge") { reads.read("far more than ten") } == "far more than ten")
        #expect(try await cache.value(for: "huge") { reads.read("never kept") } == "never kept")
    }

    /// A lead list and an API key through the real server: this process's writes show on the next request,
    /// another process's (a second database handle on the same file or server) within the window.
    @Test(arguments: TestDatabase.available)
    func listsAndKeysShowWritesAtOnceHereAndWithinTheWindowFromElsewhere(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            var configuration = LeadlightConfiguration()
            configuration.database = location
            configuration.passwordHashCost = 4
            configuration.readCacheWindow = .milliseconds(500)
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await Migrator(database: database).migrate(logger: TestDatabase.logger)
                let app = try buildApplication(configuration, database: database, logger: TestDatabase.logger)
                let provisioned = try await TestSeed(database: database, clock: .system).workspace()
                let key = provisioned.apiKey.value
                let workspace = provisioned.workspace.id
                try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { elsewhere in
                    try await app.test(.router) { client in
                        @Sendable func total() async throws -> Int? {
                            try await client.get("/api/v1/leads?limit=50", key: key).json["total"] as? Int
                        }
                        #expect(try await total() == 0)
                        _ = try await client.create("/api/v1/leads", ["name": "Here"], idKey: "leadId", key: key)
                        #expect(try await total() == 1, "this process's own write shows on the next request")
                        #expect(try await total() == 1)

                        let now = Date()
                        let lead = Lead(
                            id: .generate(), workspaceID: workspace, name: "Elsewhere", email: nil, phone: nil,
                            source: nil, propertyAddress: nil, notes: nil, status: .new, clientID: nil,
                            createdAt: now, updatedAt: now)
                        try await elsewhere.transaction { tx in try await LeadStore(database: tx).insert(lead) }
                        let started = ContinuousClock.now
                        #expect(try await eventually(timeout: .seconds(5)) { try await total() == 2 })
                        #expect(ContinuousClock.now - started < .seconds(3), "within the 0.5 s window, or near it")

                        // a key revoked by another process stops working within the window
                        _ = try await elsewhere.transaction { tx in
                            try await APIKeyStore(database: tx).revoke(provisioned.key.id, in: workspace, at: Date())
                        }
                        #expect(
                            try await eventually(timeout: .seconds(5)) {
                                try await client.get("/api/v1/leads", key: key).status == .unauthorized
                            })
                    }
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aKeyRevokedThroughThisServerStopsAtOnce(on kind: TestDatabase) async throws {
        try await withTestApp(kind, configure: { $0.readCacheWindow = .seconds(60) }) { app, seed in
            let provisioned = try await seed.workspace()
            let key = provisioned.apiKey.value
            try await app.test(.router) { client in
                #expect(try await client.get("/api/v1/leads", key: key).status == .ok)
                let spare = try await client.create("/api/v1/api-keys", ["name": "spare"], idKey: "apiKey", key: key)
                let revoked = try await client.send(
                    .delete, "/api/v1/api-keys/\(provisioned.key.id)", json: [String: Any](), key: spare)
                #expect(revoked.status == .ok)
                #expect(try await client.get("/api/v1/leads", key: key).status == .unauthorized)
            }
        }
    }
}
