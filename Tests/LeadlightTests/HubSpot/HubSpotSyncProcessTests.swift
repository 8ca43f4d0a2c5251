import Foundation
import SQLKit
import Testing

@testable import Leadlight

/// Two `leadlight serve` processes on one PostgreSQL, both syncing on a short schedule, while the workspace is
/// asked for a full sync again and again (issue 12): HubSpot never sees two of the workspace's requests at once,
/// the syncs recorded never overlap, and when one server stops gracefully in the middle the other goes on.
@Suite struct HubSpotSyncProcessTests {
    @Test(.enabled(if: TestDatabase.postgresURL != nil))
    func twoServersNeverSyncOneWorkspaceAtOnce() async throws {
        try await HubSpotImportTests.withStandIn { standIn in
            standIn.set(HubSpotConnectionTests.products(350, archived: 20))
            try await TestDatabase.postgres.withFreshLocation { location in
                var hubspot = HubSpotConfiguration()
                hubspot.baseURL = standIn.baseURL
                hubspot.secretKey = HubSpotConnectionTests.secretKey
                try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                    try await Migrator(database: database).migrate(logger: TestDatabase.logger)
                    let seed = TestSeed(database: database, clock: .system)
                    let workspace = try await seed.workspace().workspace.id
                    let operations = HubSpotConnectionOperations(
                        database: database, clock: .system, configuration: hubspot, logger: TestDatabase.logger)
                    try await operations.connect(HubSpotStandIn.token, to: workspace, by: "test")
                    // every request takes a while: a full pass (four pages and the archived one) about 1.5 s
                    standIn.answerAfter(.milliseconds(300))
                    let environment = [
                        "LEADLIGHT_DATABASE_URL": location.databaseURL, "LEADLIGHT_HUBSPOT_SYNC_MINUTES": "0.01",
                        "LEADLIGHT_HUBSPOT_BASE_URL": standIn.baseURL,
                        "LEADLIGHT_SECRET_KEY": HubSpotConnectionTests.secretKey, "LEADLIGHT_BCRYPT_COST": "4",
                    ]
                    async let startingFirst = ServerProcess.start(environment: environment)
                    async let startingSecond = ServerProcess.start(environment: environment)
                    let (first, second) = try await (startingFirst, startingSecond)
                    let store = HubSpotConnectionStore(database: database.sql)
                    // Sync now, pressed again and again: the workspace is due whenever no sync holds it
                    let imports = ImportStore(database: database.sql)
                    /// Asks until `count` syncs started after `since` have completed (a minute at most).
                    func keepAsking(until count: Int, after since: Date) async throws {
                        let until = Date().addingTimeInterval(60)
                        while Date() < until {
                            let done = try await imports.latest(100, in: workspace).filter {
                                $0.status == .completed && $0.startedAt > since
                            }
                            if done.count >= count { return }
                            _ = try await store.askForSync(workspace, at: Date())
                            try await Task.sleep(for: .milliseconds(100))
                        }
                    }
                    try await keepAsking(until: 3, after: .distantPast)
                    // stop, gracefully, the server whose sync is under way
                    var holder: String?
                    let deadline = Date().addingTimeInterval(10)
                    while holder == nil && Date() < deadline {
                        _ = try await store.askForSync(workspace, at: Date())
                        if let connection = try await store.find(workspace), connection.isSyncing(at: Date()) {
                            holder = connection.syncOwner
                        }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    let owner = try #require(holder)
                    let (syncing, other) = first.process.log.contains(owner) ? (first, second) : (second, first)
                    #expect(syncing.process.log.contains("owner=\(owner)"))
                    let stopping = Date()
                    let stopped = await syncing.process.stopReadingLog()
                    #expect(stopped.status == 0 && Date().timeIntervalSince(stopping) < 10)
                    let stoppedAt = Date()
                    try await keepAsking(until: 2, after: stoppedAt)
                    let going = await other.process.stopReadingLog()
                    #expect(going.status == 0)

                    // HubSpot never saw two of the workspace's requests at once, but for the stopped server's last
                    // one: the stand-in still answers it, late, after that server has let go of the workspace
                    let answered = standIn.answered.sorted { $0.lowerBound < $1.lowerBound }
                    let overlaps = zip(answered, answered.dropFirst()).filter { $0.upperBound > $1.lowerBound }
                    #expect(answered.count > 10)
                    #expect(
                        overlaps.allSatisfy { $0.lowerBound < stopping && $1.lowerBound > stopping }
                            && overlaps.count <= 1, "two requests at once: \(overlaps)")
                    let syncs = try await ImportStore(database: database.sql).latest(100, in: workspace)
                        .sorted { $0.startedAt < $1.startedAt }
                    #expect(syncs.count >= 4, "\(syncs.count) syncs")
                    for (earlier, later) in zip(syncs, syncs.dropFirst()) {
                        let ended = try #require(earlier.finishedAt)
                        #expect(ended <= later.startedAt, "two syncs overlapped")
                    }
                    #expect(syncs.allSatisfy { $0.status == .completed || $0.status == .interrupted })
                    #expect(syncs.map(\.summary.created).reduce(0, +) == 350, "nothing made twice")
                    let afterStop = syncs.filter { $0.startedAt > stoppedAt && $0.status == .completed }
                    #expect(!afterStop.isEmpty, "the other server went on")
                    // every full pass that completed was logged by one of the two, and the other logged some
                    let fullPasses = [stopped.log, going.log].map {
                        $0.split(separator: "\n").filter {
                            $0.contains("A HubSpot sync ended") && $0.contains("pass=full")
                        }
                        .count
                    }
                    let completed = syncs.filter { $0.status == .completed && $0.fileName == "HubSpot products" }
                    #expect(fullPasses[1] >= 1 && fullPasses[0] + fullPasses[1] == completed.count)
                    #expect(try await seed.offerings(in: workspace).count == 350)
                    let connection = try #require(try await store.find(workspace))
                    #expect(connection.syncUntil == nil, "no claim is left behind")
                }
            }
        }
    }
}
