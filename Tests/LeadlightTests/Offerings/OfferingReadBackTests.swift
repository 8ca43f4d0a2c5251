import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Leadlight

/// Reading back what is stored: list with filters, get, update, delete, counts — one workspace at a time.
@Suite struct OfferingReadBackTests {
    private static func catalog() -> [[String: Any]] {
        [
            ["name": "Oak desk", "sku": "DESK-OAK", "description": "Solid oak", "price": 450],
            ["name": "Pine desk", "sku": "DESK-PINE", "active": false],
            [
                "name": "Home staging", "type": "SERVICE", "externalId": "staging",
                "description": "Makes a desk look 100% better",
            ],
            ["name": "Boost", "type": "SUBSCRIPTION", "externalId": "boost", "billingPeriod": "MONTHLY"],
            ["name": "Retainer", "type": "CONTRACT", "externalId": "retainer", "termMonths": 12, "active": false],
        ]
    }

    @Test(arguments: TestDatabase.available)
    func listsFilterAndPageNewestFirst(on database: TestDatabase) async throws {
        let clock = ManualClock()
        try await withTestApp(database, configure: { $0.clock = clock.wallClock }) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                for row in Self.catalog() {  // one a minute, so "newest first" is well defined
                    #expect(try await client.pushProducts(row, key: key).status == .created)
                    clock.advance(by: 60)
                }
                func names(_ query: String) async throws -> ([String], Int) {
                    let response = try await client.get("/api/v1/products\(query)", key: key)
                    #expect(response.status == .ok, "\(query): \(response.text)")
                    let list = try response.decode(OfferingsAPI.OfferingList.self)
                    return (list.products.map(\.name), list.total)
                }
                #expect(try await names("") == (["Retainer", "Boost", "Home staging", "Pine desk", "Oak desk"], 5))
                #expect(try await names("?type=PRODUCT") == (["Pine desk", "Oak desk"], 2))
                #expect(try await names("?type=contract") == (["Retainer"], 1))
                #expect(try await names("?active=false") == (["Retainer", "Pine desk"], 2))
                #expect(try await names("?sku=DESK-OAK") == (["Oak desk"], 1))
                #expect(try await names("?externalId=boost") == (["Boost"], 1))
                #expect(try await names("?q=DESK") == (["Home staging", "Pine desk", "Oak desk"], 3))
                #expect(try await names("?q=100%25") == (["Home staging"], 1))
                #expect(try await names("?q=_") == ([], 0))
                #expect(try await names("?limit=2") == (["Retainer", "Boost"], 5))
                #expect(try await names("?limit=2&offset=2") == (["Home staging", "Pine desk"], 5))
                let third = LeadlightJSON.timestamp(Date(timeIntervalSince1970: 1_800_000_120))
                #expect(try await names("?updatedSince=\(third)") == (["Retainer", "Boost", "Home staging"], 3))

                for bad in [
                    "?type=BUNDLE", "?active=yes", "?limit=0", "?limit=201", "?offset=-1", "?updatedSince=yesterday",
                    "?colour=red",
                ] {
                    let response = try await client.get("/api/v1/products\(bad)", key: key)
                    #expect(response.status == .badRequest, "\(bad)")
                    #expect(try response.error.error.fields?.isEmpty == false, "\(bad)")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func oneOfferingCanBeReadUpdatedAndDeleted(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let created = try await client.pushProducts(Self.catalog()[0], key: key).offering
                let path = "/api/v1/products/\(created.id)"
                #expect(try await client.get(path, key: key).offering == created)

                let patched = try await client.send(
                    .patch, path, json: ["price": "460.50", "description": NSNull()], key: key)
                #expect(patched.status == .ok)
                #expect(patched.text.contains("\"price\":460.5"))
                #expect(try patched.offering.description == nil)
                #expect(try patched.offering.name == "Oak desk")

                let wrongType = try await client.send(.patch, path, json: ["termMonths": 3], key: key)
                #expect(wrongType.status == .badRequest)
                #expect(try wrongType.error.error.fields?.first?.field == "termMonths")

                let other = try await client.pushProducts(Self.catalog()[1], key: key).offering
                let clash = try await client.send(
                    .patch, "/api/v1/products/\(other.id)", json: ["externalId": "DESK-OAK"], key: key)
                #expect(clash.status == .conflict)

                // a type change drops the fields the new type does not have
                let service = try await client.send(.patch, path, json: ["type": "SERVICE"], key: key)
                #expect(service.status == .ok)
                #expect(try service.offering.sku == nil && service.offering.externalId == "DESK-OAK")

                let deleted = try await client.execute(uri: path, method: .delete, headers: .bearer(key))
                #expect(deleted.status == .ok)
                #expect(try await client.get(path, key: key).status == .notFound)
                #expect(try await client.execute(uri: path, method: .delete, headers: .bearer(key)).status == .notFound)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func theSummaryCountsByTypeAndActiveState(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                _ = try await client.pushProducts(Self.catalog(), key: key)
                let summary = try await client.get("/api/v1/products/summary", key: key).decode(
                    OfferingsAPI.CatalogSummary.self)
                #expect(summary.total == 5 && summary.active == 3 && summary.inactive == 2)
                #expect(summary.byType["PRODUCT"] == .init(total: 2, active: 1, inactive: 1))
                #expect(summary.byType["CONTRACT"] == .init(total: 1, active: 0, inactive: 1))
                #expect(summary.byType["SERVICE"] == .init(total: 1, active: 1, inactive: 0))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anotherWorkspacesOfferingsAreInvisibleAndUntouchable(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let mine = try await seed.workspace().apiKey.value
            let theirs = try await seed.workspace().apiKey.value
            try await app.test(.router) { client in
                let their = try await client.pushProducts(["name": "Theirs", "sku": "SAME-SKU"], key: theirs).offering
                let path = "/api/v1/products/\(their.id)"
                #expect(try await client.get(path, key: mine).status == .notFound)
                #expect(try await client.send(.patch, path, json: ["name": "Mine now"], key: mine).status == .notFound)
                #expect(
                    try await client.execute(uri: path, method: .delete, headers: .bearer(mine)).status == .notFound)
                // the same sku in another workspace is another offering
                let own = try await client.pushProducts(["name": "Mine", "sku": "SAME-SKU"], key: mine)
                #expect(own.status == .created)
                #expect(
                    try await client.get("/api/v1/products", key: mine).decode(OfferingsAPI.OfferingList.self).total
                        == 1)
                #expect(try await client.get(path, key: theirs).offering.name == "Theirs")
                let summary = try await client.get("/api/v1/products/summary", key: mine).decode(
                    OfferingsAPI.CatalogSummary.self)
                #expect(summary.total == 1)
            }
        }
    }
}
