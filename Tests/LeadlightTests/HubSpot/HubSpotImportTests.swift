import Foundation
import Testing

@testable import Leadlight

/// The HubSpot pull connector against a stand-in of HubSpot's products API on 127.0.0.1 (issue 12): every mapping
/// case, paging, HubSpot's 429, 5xx, 401, 403 and DAILY answers, archived products, and a re-run that changes
/// nothing.
@Suite struct HubSpotImportTests {
    typealias Product = HubSpotStandIn.Product

    static func client(_ standIn: HubSpotStandIn, token: String = HubSpotStandIn.token) -> HubSpotClient {
        var client = HubSpotClient(baseURL: standIn.baseURL, token: token, logger: TestDatabase.logger)
        client.backoffUnit = .milliseconds(2)
        return client
    }

    static func withStandIn<T>(_ body: (HubSpotStandIn) async throws -> T) async throws -> T {
        let standIn = HubSpotStandIn()
        try await standIn.start()
        do {
            let result = try await body(standIn)
            await standIn.stop()
            return result
        } catch {
            await standIn.stop()
            throw error
        }
    }

    @Test(arguments: TestDatabase.available)
    func everyMappingCase(on database: TestDatabase) async throws {
        try await Self.withStandIn { standIn in
            standIn.set([
                Product(id: "101", properties: ["name": "Oak table", "price": "25000.00", "hs_sku": "OAK-1"]),
                Product(
                    id: "102",
                    properties: ["name": "Home staging", "price": "300", "hs_product_type": "service", "hs_sku": "STG"]),
                Product(
                    id: "103",
                    properties: ["name": "Listing boost", "price": "49.99", "recurringbillingfrequency": "monthly"]),
                Product(
                    id: "104", properties: ["name": "Premium", "price": "499", "recurringbillingfrequency": "annually"]),
                Product(
                    id: "105",
                    properties: ["name": "Quarterly report", "price": "99", "recurringbillingfrequency": "quarterly"]),
                Product(id: "106", properties: ["name": "Oak table copy", "price": "1", "hs_sku": "OAK-1"]),
                Product(id: "107", properties: ["name": nil, "price": "5", "description": "no name"]),
                Product(
                    id: "108", properties: ["name": "Old chair", "price": "10.5", "hs_sku": "CH-OLD"], archived: true),
            ])
            try await withTestApp(database) { _, seed in
                let workspace = try await seed.workspace()
                let operations = HubSpotImportOperations(database: seed.database, clock: .system)
                let report = try await operations.pull(
                    from: Self.client(standIn), in: workspace.workspace, startedBy: "test")
                #expect(report.record.status == .completed && report.record.origin == .hubspot)
                #expect(report.record.summary.total == 8)
                #expect(report.record.summary.created == 5 && report.record.summary.failed == 3)
                let failures = Dictionary(uniqueKeysWithValues: report.failures.map { ($0.cells[0], $0.errors) })
                #expect(failures["105"]?.first?.field == "billingPeriod")
                #expect(failures["105"]?.first?.message.contains("quarterly") == true)
                #expect(
                    failures["106"]?.first?.message == "hs_sku OAK-1 is product 101's too: product 106 is not imported")
                #expect(failures["107"]?.first?.field == "name")
                #expect(report.notes.map { $0.cells[0] } == ["102"])
                #expect(report.notes.first?.errors.first?.message.contains("hs_sku STG left out") == true)

                let stored = Dictionary(
                    uniqueKeysWithValues: try await seed.offerings(in: workspace.workspace.id).map {
                        ($0.externalID ?? "", $0)
                    })
                #expect(stored.count == 5)
                let oak = try #require(stored["hubspot:101"])
                #expect(
                    oak.type == .product && oak.sku == "OAK-1" && oak.price == Money(units: 250_000_000) && oak.active)
                let staging = try #require(stored["hubspot:102"])
                #expect(staging.type == .service && staging.sku == nil)
                #expect(
                    stored["hubspot:103"]?.type == .subscription && stored["hubspot:103"]?.billingPeriod == .monthly)
                #expect(stored["hubspot:104"]?.billingPeriod == .yearly)
                let archived = try #require(stored["hubspot:108"])
                #expect(!archived.active && archived.sku == "CH-OLD")

                // a sku changed in HubSpot follows its product: matched by externalId, not taken for a new one
                standIn.set([
                    Product(id: "101", properties: ["name": "Oak table", "price": "25000.00", "hs_sku": "OAK-2"])
                ])
                let moved = try await operations.pull(
                    from: Self.client(standIn), in: workspace.workspace, startedBy: "test")
                #expect(moved.record.summary.updated == 1 && moved.record.summary.failed == 0)
                let again = try await seed.offerings(in: workspace.workspace.id).first {
                    $0.externalID == "hubspot:101"
                }
                #expect(again?.id == oak.id && again?.sku == "OAK-2")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func pagesA429InTheMiddleAndAReRunThatChangesNothing(on database: TestDatabase) async throws {
        try await Self.withStandIn { standIn in
            standIn.set(
                (1...260).map { index in
                    Product(
                        id: "\(1000 + index)",
                        properties: ["name": "Product \(index)", "price": "\(index).25", "hs_sku": "SKU-\(index)"],
                        archived: index > 250)
                })
            try await withTestApp(database) { _, seed in
                let workspace = try await seed.workspace()
                let operations = HubSpotImportOperations(database: seed.database, clock: .system)
                // the second request meets the ten-secondly limit (Retry-After absent: 10 × the attempt), then goes on
                standIn.queue(.rateLimited("TEN_SECONDLY_ROLLING"), fromRequest: 2)
                let client = Self.client(standIn)
                let done = try await operations.pull(from: client, in: workspace.workspace, startedBy: "test")
                #expect(done.record.summary.created == 260)
                let seen = standIn.seen
                #expect(seen.count == 5)  // 100 + 100 + 50 active (the second asked twice), then 10 archived
                #expect(seen.map { $0.query["after"] } == [nil, "100", "100", "200", nil])
                #expect(seen.allSatisfy { $0.query["limit"] == "100" })
                #expect(seen.allSatisfy { $0.authorization == "Bearer \(HubSpotStandIn.token)" })
                #expect(seen.map { $0.query["archived"] } == ["false", "false", "false", "false", "true"])

                standIn.queue(
                    .rateLimited("TEN_SECONDLY_ROLLING"), .badGateway, .rateLimited("SECONDLY", retryAfter: 1))
                let again = try await operations.pull(from: client, in: workspace.workspace, startedBy: "test")
                #expect(again.record.summary.unchanged == 260 && again.record.summary.created == 0)
                #expect(standIn.seen.count == 5 + 3 + 4, "the three refused requests were made again")
                let offerings = try await seed.offerings(in: workspace.workspace.id)
                #expect(offerings.count == 260 && offerings.filter { !$0.active }.count == 10)
            }
        }
    }

    /// HubSpot's search gives at most 10,000 results however it is paged (here 300): the pull of what changed asks
    /// again from the latest change read, and the products changed at that very moment are not read twice.
    @Test func aSearchPastHubSpotsLimitIsAskedAgainFromTheLatestChange() async throws {
        try await Self.withStandIn { standIn in
            let since = Date(timeIntervalSince1970: 1_800_000_000)
            standIn.set(
                (1...750).map { index in
                    Product(
                        id: "\(5000 + index)", properties: ["name": "Product \(index)", "price": "\(index)"],
                        // five of those on the first search's last page changed at the same moment as five after
                        modifiedAt: since.addingTimeInterval(Double((296...305).contains(index) ? 300 : index)))
                })
            standIn.limitSearches(to: 300)
            try await withTestApp(.sqlite) { _, seed in
                let workspace = try await seed.workspace()
                var client = Self.client(standIn)
                client.searchResultsLimit = 300
                let report = try await HubSpotImportOperations(database: seed.database, clock: .system).pull(
                    from: client, in: workspace.workspace, startedBy: "test", changedSince: since)
                #expect(report.record.status == .completed)
                #expect(report.record.summary.created == 750 && report.record.summary.failed == 0)
                #expect(report.record.linesRead == 750, "no product read twice")
                let searches = standIn.seen
                #expect(searches.allSatisfy { $0.method == "POST" })
                #expect(searches.map(\.since).compactMap { $0 }.count == searches.count)
                #expect(Set(searches.map(\.since)).count == 3, "asked again twice, from the latest change read")
                #expect(try await seed.offerings(in: workspace.workspace.id).count == 750)
            }
        }
    }

    @Test func aRefusedTokenMissingScopesTheDailyLimitAndAServerThatStaysDownStopThePull() async throws {
        try await Self.withStandIn { standIn in
            standIn.set([Product(id: "1", properties: ["name": "Chair", "hs_sku": "C-1"])])
            try await withTestApp(.sqlite) { _, seed in
                let workspace = try await seed.workspace()
                let operations = HubSpotImportOperations(database: seed.database, clock: .system)
                func pull(_ client: HubSpotClient) async -> HubSpotError? {
                    do {
                        _ = try await operations.pull(from: client, in: workspace.workspace, startedBy: "test")
                        return nil
                    } catch {
                        return error as? HubSpotError
                    }
                }
                let wrongToken = await pull(Self.client(standIn, token: "pat-na1-wrong"))
                guard case .refused(401, let body) = wrongToken else {
                    Issue.record("\(String(describing: wrongToken))")
                    return
                }
                #expect(body.category == "INVALID_AUTHENTICATION")
                #expect(wrongToken?.description.contains("Authentication credentials not found") == true)
                #expect(standIn.seen.count == 1, "a refused token is not tried again")

                standIn.missScopes(true)
                let scopes = await pull(Self.client(standIn))
                #expect(scopes?.description.contains("MISSING_SCOPES") == true)
                #expect(scopes?.description.contains("lacks a scope") == true)
                standIn.missScopes(false)

                let before = standIn.seen.count
                standIn.queue(.rateLimited("DAILY"))
                let daily = await pull(Self.client(standIn))
                guard case .dailyLimit = daily else {
                    Issue.record("\(String(describing: daily))")
                    return
                }
                #expect(standIn.seen.count == before + 1, "the daily limit is not waited out")

                standIn.queue(.badGateway, .badGateway, .badGateway, .badGateway, .badGateway, .badGateway)
                let down = await pull(Self.client(standIn))
                guard case .failed(502, _) = down else {
                    Issue.record("\(String(describing: down))")
                    return
                }
                // every stop is recorded, and nothing was written
                let records = try await ImportStore(database: seed.database.sql).latest(10, in: workspace.workspace.id)
                #expect(records.count == 4 && records.allSatisfy { $0.status == .interrupted && $0.origin == .hubspot })
                #expect(records.allSatisfy { $0.message?.contains("The pull stopped") == true })
                #expect(try await seed.offerings(in: workspace.workspace.id).isEmpty)
                // the token is nowhere in what was recorded
                #expect(records.allSatisfy { !($0.message ?? "").contains(HubSpotStandIn.token) })
            }
        }
    }

    /// `leadlight products import --from hubspot`: the token from the environment, HubSpot's address from
    /// `LEADLIGHT_HUBSPOT_BASE_URL`, the summary, the JSON and the exit codes.
    @Test func theCommandLinePullsWithTheTokenFromTheEnvironment() async throws {
        try await Self.withStandIn { standIn in
            standIn.set([
                Product(id: "1", properties: ["name": "Chair", "price": "40", "hs_sku": "C-1"]),
                Product(id: "2", properties: ["name": "Report", "recurringbillingfrequency": "quarterly"]),
            ])
            let directory = try makeTemporaryDirectory("leadlight-hubspot-cli")
            defer { try? FileManager.default.removeItem(at: directory) }
            let database = directory.appendingPathComponent("db.sqlite").path
            _ = try await LeadlightProcess.run(
                [
                    "workspace", "create", "--name", "Shop", "--agent-id", "shop", "--owner-email", "o@example.com",
                    "--database-url", database,
                ])
            let arguments = [
                "products", "import", "--from", "hubspot", "--agent-id", "shop", "--database-url", database,
            ]
            let environment = [
                "LEADLIGHT_HUBSPOT_TOKEN": HubSpotStandIn.token, "LEADLIGHT_HUBSPOT_BASE_URL": standIn.baseURL,
                "LEADLIGHT_LOG_LEVEL": "trace",
            ]
            let first = try await LeadlightProcess.run(arguments, environment: environment)
            #expect(first.status == 1, "a product failed: \(first.stderr)")
            #expect(first.stdout.contains("Imported 2 rows of offerings: 1 created, 0 updated, 0 unchanged, 1 failed."))
            #expect(first.stdout.contains("line 2: billingPeriod HubSpot bills it quarterly"))
            #expect(!(first.stdout + first.stderr).contains(HubSpotStandIn.token), "the token is never printed")

            let json = try await LeadlightProcess.run(arguments + ["--json"], environment: environment)
            let answer = try JSONDecoder.leadlight.decode(ImportsAPI.PullResult.self, from: Data(json.stdout.utf8))
            #expect(answer.summary.unchanged == 1 && answer.summary.failed == 1 && answer.import.origin == .hubspot)

            let noToken = try await LeadlightProcess.run(
                arguments, environment: ["LEADLIGHT_HUBSPOT_BASE_URL": standIn.baseURL])
            #expect(noToken.status == 64 && noToken.stderr.contains("LEADLIGHT_HUBSPOT_TOKEN"))
            let refused = try await LeadlightProcess.run(
                arguments, environment: environment.merging(["LEADLIGHT_HUBSPOT_TOKEN": "pat-na1-wrong"]) { $1 })
            #expect(refused.status == 1 && refused.stderr.contains("HubSpot refused the token (401)"))
            let withFile = try await LeadlightProcess.run(
                ["products", "import", "x.csv", "--from", "hubspot", "--agent-id", "shop", "--database-url", database],
                environment: environment)
            #expect(withFile.status == 64)
        }
    }
}
