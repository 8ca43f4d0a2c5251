import Foundation
import SQLKit
import Testing

@testable import Leadlight

/// Settings → Integrations → HubSpot over HTTP, and the sync service's schedule (issue 12): a token HubSpot refuses
/// or that lacks the products scope is said plainly and nothing is kept; a good one is kept sealed, then every
/// product is brought in; Sync now; a sync under way refuses another; the changed products only on the schedule,
/// every product daily; a token refused later stops the schedule; Disconnect forgets the token. The browser walks
/// the same page in `HubSpotConnectBrowserTests`; two processes on one PostgreSQL in `HubSpotSyncProcessTests`.
@Suite struct HubSpotConnectionTests {
    typealias Product = HubSpotStandIn.Product

    /// A key for PostgreSQL, where there is no key file.
    static let secretKey = String(repeating: "5a", count: 32)

    static func products(_ count: Int, archived: Int = 0) -> [Product] {
        (1...count).map { index in
            Product(
                id: "\(5000 + index)",
                properties: ["name": "Product \(index)", "price": "\(index).50", "hs_sku": "HS-\(index)"],
                archived: index > count - archived)
        }
    }

    static func configure(_ standIn: HubSpotStandIn, on database: TestDatabase)
        -> (inout LeadlightConfiguration) -> Void
    {
        { configuration in
            configuration.hubspot.baseURL = standIn.baseURL
            configuration.hubspot.backoffUnit = .milliseconds(2)
            if database == .postgres { configuration.hubspot.secretKey = Self.secretKey }
        }
    }

    /// Waits until a sync of the workspace has ended after `after`; when it ended.
    static func synced(_ workspace: Workspace.ID, in store: HubSpotConnectionStore, after: Date?) async throws -> Date {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if let connection = try await store.find(workspace), let at = connection.lastSyncAt,
                at > after ?? .distantPast, connection.syncUntil == nil
            {
                return at
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Timeout()
    }

    struct Timeout: Error {}

    @Test(arguments: TestDatabase.available)
    func connectChecksTheTokenKeepsItSealedAndSyncsUntilDisconnected(on database: TestDatabase) async throws {
        try await HubSpotImportTests.withStandIn { standIn in
            standIn.set(Self.products(120, archived: 5))
            var settings = LeadlightConfiguration()
            Self.configure(standIn, on: database)(&settings)
            let configuration = settings
            try await withTestApp(database, configure: Self.configure(standIn, on: database)) { app, seed in
                let workspace = try await seed.workspace()
                let workspaceID = workspace.workspace.id
                let operations = HubSpotConnectionOperations(
                    database: seed.database, clock: .system, configuration: configuration.hubspot,
                    logger: TestDatabase.logger)
                let service = HubSpotSyncService(operations: operations, wakeups: HubSpotSyncWakeups())
                let store = HubSpotConnectionStore(database: seed.database.sql)
                try await app.test(.router) { client in
                    var browser = DashboardClient(client)
                    try await browser.signIn(workspace.owner.email)
                    let empty = try await browser.get("/settings/integrations")
                    #expect(empty.status == .ok)
                    #expect(empty.text.contains(">Connect</button>") && empty.text.contains("e-commerce"))
                    #expect(try await browser.get("/settings").text.contains(#"href="/settings/integrations""#))

                    // refused, without the scope, not a token at all: said plainly, the token not shown back
                    let wrong = try await browser.post(
                        "/settings/integrations/hubspot/connect", ["token": "pat-na1-00000000-wrong"])
                    #expect(wrong.status == .unprocessableContent)
                    #expect(wrong.text.contains("HubSpot did not accept this token (INVALID_AUTHENTICATION)"))
                    #expect(!wrong.text.contains("pat-na1-00000000-wrong"))
                    standIn.missScopes(true)
                    let noScope = try await browser.post(
                        "/settings/integrations/hubspot/connect", ["token": HubSpotStandIn.token])
                    #expect(noScope.status == .unprocessableContent)
                    #expect(noScope.text.contains("This private app may not read products"))
                    #expect(noScope.text.contains("e-commerce scope"))
                    standIn.missScopes(false)
                    let blank = try await browser.post("/settings/integrations/hubspot/connect", ["token": " "])
                    #expect(blank.status == .unprocessableContent && blank.text.contains("Paste your HubSpot"))
                    let notAToken = try await browser.post(
                        "/settings/integrations/hubspot/connect", ["token": "my password"])
                    #expect(notAToken.text.contains("That is not a HubSpot access token"))
                    #expect(try await store.find(workspaceID) == nil, "nothing kept")
                    #expect(standIn.seen.count == 2, "only the two tokens that could be were tried")

                    // the right one: checked with one product, kept sealed, a full sync asked
                    let connected = try await browser.post(
                        "/settings/integrations/hubspot/connect", ["token": " \(HubSpotStandIn.token)\n"])
                    #expect(connected.status == .seeOther)
                    #expect(connected.headers[.location] == "/settings/integrations?done=connected")
                    #expect(standIn.seen.last?.query["limit"] == "1")
                    let stored = try #require(try await store.find(workspaceID))
                    #expect(stored.tokenEnding == "5555" && stored.fullPassAsked && stored.nextSyncAt != nil)
                    #expect(!stored.tokenSealed.contains("pat-na1") && stored.tokenSealed.hasPrefix("v1."))
                    let opened = try configuration.hubspot.secretBox(for: seed.database).open(stored.tokenSealed)
                    #expect(opened == HubSpotStandIn.token)
                    if case .sqlite(let path) = seed.database.location {
                        let attributes = try FileManager.default.attributesOfItem(atPath: path + ".key")
                        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
                        for file in [path, path + "-wal"] {
                            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
                            #expect(bytes.range(of: Data("pat-na1-1111".utf8)) == nil, "\(file) holds no token")
                        }
                    }
                    let waiting = try await browser.get("/settings/integrations?done=connected")
                    #expect(waiting.text.contains("HubSpot is connected. Its products are being brought in now."))

                    // the server's sync service, woken, brings every product in
                    let first = try await Self.synced(workspaceID, in: store, after: nil)
                    let offerings = try await seed.offerings(in: workspaceID)
                    #expect(offerings.count == 120 && offerings.filter { !$0.active }.count == 5)
                    #expect(offerings.allSatisfy { $0.externalID?.hasPrefix("hubspot:") == true })
                    let synced = try await browser.get("/settings/integrations")
                    #expect(synced.text.contains(#"data-testid="count-created">120<"#))
                    #expect(synced.text.contains("It read every product") && synced.text.contains("Next sync:"))
                    #expect(!synced.text.contains("data-refresh-seconds"))

                    // Sync now: every product again, all unchanged
                    let asked = try await browser.post("/settings/integrations/hubspot/sync", [:])
                    #expect(asked.headers[.location] == "/settings/integrations?done=asked")
                    _ = try await Self.synced(workspaceID, in: store, after: first)
                    let again = try await browser.get("/settings/integrations")
                    #expect(again.text.contains(#"data-testid="count-unchanged">120<"#))
                    #expect(again.text.contains(#"data-testid="count-created">0<"#))

                    // while another process holds the sync, Sync now says so and no one else syncs it
                    var held: HubSpotConnection?
                    let deadline = Date().addingTimeInterval(10)
                    while held == nil && Date() < deadline {
                        _ = try await store.askForSync(workspaceID, at: Date())
                        held = try await store.claim(
                            workspaceID, by: "hsy_elsewhere", until: Date().addingTimeInterval(60), at: Date())
                    }
                    #expect(held != nil)
                    let busy = try await browser.post("/settings/integrations/hubspot/sync", [:])
                    #expect(busy.headers[.location] == "/settings/integrations?done=busy")
                    let underWay = try await browser.get("/settings/integrations?done=busy")
                    #expect(
                        underWay.text.contains("A sync is under way") && underWay.text.contains("disabled>Sync now"))
                    #expect(underWay.text.contains("data-refresh-seconds"))
                    await service.syncWhatIsDue()
                    let requests = standIn.seen.count
                    #expect(requests == 9, "two refused, the check, two syncs of three pages; not the held one")
                    try await store.release(workspaceID, by: "hsy_elsewhere")

                    // Disconnect: the token forgotten, the offerings kept, the schedule gone
                    let gone = try await browser.post("/settings/integrations/hubspot/disconnect", [:])
                    #expect(gone.headers[.location] == "/settings/integrations?done=disconnected")
                    #expect(try await store.find(workspaceID) == nil)
                    let after = try await browser.get("/settings/integrations?done=disconnected")
                    #expect(after.text.contains("HubSpot is disconnected") && after.text.contains(">Connect</button>"))
                    await service.syncWhatIsDue()
                    #expect(standIn.seen.count == 9)
                    #expect(try await seed.offerings(in: workspaceID).count == 120)
                    let nothing = try await browser.post("/settings/integrations/hubspot/sync", [:])
                    #expect(nothing.headers[.location] == "/settings/integrations?done=not-connected")
                }
            }
        }
    }

    /// The schedule on a clock the test moves: changed products only (searched from the last sync's start less five
    /// minutes), a sync that finds nothing leaves no import behind, every product once a day, a token HubSpot
    /// refuses later ends the schedule with the reason shown.
    @Test(arguments: TestDatabase.available)
    func theScheduleReadsWhatChangedAndEveryProductDaily(on database: TestDatabase) async throws {
        try await HubSpotImportTests.withStandIn { standIn in
            standIn.set(Self.products(30))
            let clock = ManualClock()
            var settings = LeadlightConfiguration()
            Self.configure(standIn, on: database)(&settings)
            let configuration = settings
            try await withTestApp(
                database,
                configure: {
                    $0.hubspot = configuration.hubspot
                    $0.clock = clock.wallClock
                }
            ) { _, seed in
                let workspace = try await seed.workspace()
                let workspaceID = workspace.workspace.id
                let operations = HubSpotConnectionOperations(
                    database: seed.database, clock: clock.wallClock, configuration: configuration.hubspot,
                    logger: TestDatabase.logger)
                let service = HubSpotSyncService(operations: operations, wakeups: HubSpotSyncWakeups())
                let store = HubSpotConnectionStore(database: seed.database.sql)
                let imports = ImportStore(database: seed.database.sql)
                try await operations.connect(HubSpotStandIn.token, to: workspaceID, by: "owner@example.com")

                let first = clock.now
                await service.syncWhatIsDue()
                var connection = try #require(try await store.find(workspaceID))
                #expect(connection.syncedThrough == first && connection.lastFullPassAt == first)
                #expect(connection.nextSyncAt == first.addingTimeInterval(3600) && !connection.fullPassAsked)
                #expect(connection.lastSyncProducts == 30 && connection.lastError == nil)
                #expect(try await seed.offerings(in: workspaceID).count == 30)
                let afterFull = standIn.seen.count
                #expect(standIn.seen.dropFirst().allSatisfy { $0.method == "GET" })

                // not due yet: nothing asked
                clock.advance(by: 600)
                await service.syncWhatIsDue()
                #expect(standIn.seen.count == afterFull)

                // an hour on: the search from the first sync's start less five minutes finds the one changed
                clock.advance(by: 3100)
                let second = clock.now
                standIn.change(["5005"], at: second.addingTimeInterval(-400)) { $0.properties["price"] = "99.00" }
                await service.syncWhatIsDue()
                let search = try #require(standIn.seen.last)
                #expect(search.method == "POST" && search.path == "/crm/v3/objects/products/search")
                #expect(search.since == String(first.addingTimeInterval(-300).millisecondsSince1970))
                connection = try #require(try await store.find(workspaceID))
                #expect(connection.syncedThrough == second && connection.lastFullPassAt == first)
                #expect(connection.lastSyncProducts == 1)
                let changedID = try #require(connection.lastImportID)
                let changed = try #require(try await imports.find(changedID, in: workspaceID))
                #expect(changed.summary.updated == 1 && changed.summary.total == 1)
                #expect(changed.fileName?.hasPrefix("HubSpot products changed since") == true)
                let price = try await seed.offerings(in: workspaceID).first { $0.externalID == "hubspot:5005" }?.price
                #expect(price?.description == "99")

                // nothing changed: a search, no import left behind, the last import still the one above
                clock.advance(by: 3601)
                let importsBefore = try await imports.latest(100, in: workspaceID).count
                await service.syncWhatIsDue()
                connection = try #require(try await store.find(workspaceID))
                #expect(standIn.seen.last?.method == "POST" && connection.lastSyncProducts == 0)
                #expect(connection.lastImportID == changed.id && connection.lastSyncAt == clock.now)
                #expect(try await imports.latest(100, in: workspaceID).count == importsBefore)

                // a day after the first full pass: every product again, archived ones too
                clock.advance(by: 24 * 3600)
                let seenBefore = standIn.seen.count
                await service.syncWhatIsDue()
                #expect(standIn.seen.dropFirst(seenBefore).map(\.method) == ["GET", "GET"])
                connection = try #require(try await store.find(workspaceID))
                #expect(connection.lastFullPassAt == clock.now)

                // HubSpot stops taking the token: the reason shown, no more scheduled syncs
                standIn.queue(
                    .init(
                        status: 401,
                        body:
                            #"{"status":"error","message":"The OAuth token used to make this call expired.","category":"INVALID_AUTHENTICATION"}"#
                    ))
                clock.advance(by: 3601)
                await service.syncWhatIsDue()
                connection = try #require(try await store.find(workspaceID))
                #expect(connection.lastError?.contains("HubSpot did not accept this token") == true)
                #expect(connection.lastError?.contains("expired") == true)
                #expect(connection.nextSyncAt == nil)
                let stopped = standIn.seen.count
                clock.advance(by: 7200)
                await service.syncWhatIsDue()
                #expect(standIn.seen.count == stopped)
                // the failed sync's import says it stopped; Sync now tries again
                #expect(try await operations.askForSync(of: workspaceID))
                await service.syncWhatIsDue()
                connection = try #require(try await store.find(workspaceID))
                #expect(connection.lastError == nil && connection.nextSyncAt != nil)
            }
        }
    }

    /// Twenty claims of one due workspace at once, each on its own connection: exactly one gets it, and after it
    /// lets go the workspace is claimable again; a claim that ran out (its process died) is taken over.
    @Test(arguments: TestDatabase.available)
    func ofClaimsMadeAtOnceExactlyOneHolds(on database: TestDatabase) async throws {
        try await withTestApp(database) { _, seed in
            let workspace = try await seed.workspace().workspace.id
            let store = HubSpotConnectionStore(database: seed.database.sql)
            let now = Date()
            try await store.connect(workspace, tokenSealed: "v1.x", tokenEnding: "1234", by: "test", at: now)
            let claimed = try await withThrowingTaskGroup(of: HubSpotConnection?.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await store.claim(workspace, by: "hsy_\(index)", until: now + 60, at: now)
                    }
                }
                return try await group.reduce(into: [HubSpotConnection]()) { if let got = $1 { $0.append(got) } }
            }
            #expect(claimed.count == 1)
            let owner = try #require(claimed.first?.syncOwner)
            #expect(try await store.due(at: now, limit: 10).isEmpty, "a claimed workspace is not due")
            #expect(try await store.claim(workspace, by: "hsy_late", until: now + 60, at: now) == nil)
            // run out: another takes it over, and the first one's renewal fails
            let later = now + 61
            #expect(try await store.claim(workspace, by: "hsy_next", until: later + 60, at: later) != nil)
            #expect(try await !store.renew(workspace, by: owner, until: later + 60, importID: nil))
            try await store.release(workspace, by: "hsy_next")
            #expect(try await store.due(at: later, limit: 10) == [workspace])
        }
    }
}
