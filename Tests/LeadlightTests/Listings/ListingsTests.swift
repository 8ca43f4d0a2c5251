import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// `/api/v1/listings`: the documented shape, filters, statuses and events.
@Suite struct ListingsTests {
    @Test(arguments: TestDatabase.available)
    func activeListingsComeBackInTheDocumentedShape(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let created = try await client.send(
                    .post, "/api/v1/listings",
                    body: Data(
                        #"{"address": "456 Oak Ave, Miami, FL", "price": 750000, "bedrooms": 4, "bathrooms": 2.5, "sqft": 2400}"#
                            .utf8),
                    key: key
                )
                #expect(created.status == .created)
                #expect(Set(try created.json.keys) == ["success", "listingId"])
                let id = try #require(try created.json["listingId"] as? String)

                let list = try await client.get("/api/v1/listings", key: key)
                #expect(list.status == .ok)
                let text = String(buffer: list.body)
                #expect(
                    text.contains(#""price":750000"#) && text.contains(#""bathrooms":2.5"#)
                        && text.contains(#""sqft":2400"#))
                let listings = try #require(try list.json["listings"] as? [[String: Any]])
                #expect(listings.count == 1)
                #expect(listings[0]["id"] as? String == id)
                #expect(listings[0]["address"] as? String == "456 Oak Ave, Miami, FL")
                #expect(listings[0]["bedrooms"] as? Int == 4)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func listsFilterByPriceBedroomsAndStatus(on database: TestDatabase) async throws {
        let clock = ManualClock()
        try await withTestApp(database, configure: { $0.clock = clock.wallClock }) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let rows: [[String: Any]] = [
                    ["address": "1 Small St", "price": 300000, "bedrooms": 2],
                    ["address": "2 Mid St", "price": "550000.50", "bedrooms": 3, "bathrooms": 2],
                    ["address": "3 Big St", "price": 900000, "bedrooms": 5],
                ]
                var ids: [String] = []
                for row in rows {
                    clock.advance(by: 60)
                    ids.append(
                        try await client.send(.post, "/api/v1/listings", json: row, key: key).decode(
                            ListingsAPI.Created.self
                        ).listingId.rawValue)
                }
                func addresses(_ query: String) async throws -> [String] {
                    let response = try await client.get("/api/v1/listings\(query)", key: key)
                    #expect(response.status == .ok, "\(query)")
                    return try response.decode(ListingsAPI.ListingList.self).listings.map(\.address)
                }
                #expect(try await addresses("") == ["3 Big St", "2 Mid St", "1 Small St"])
                #expect(try await addresses("?minPrice=500000&maxPrice=800000") == ["2 Mid St"])
                #expect(try await addresses("?minBedrooms=3") == ["3 Big St", "2 Mid St"])

                let sold = try await client.send(
                    .patch, "/api/v1/listings/\(ids[2])", json: ["status": "sold"], key: key)
                #expect(try sold.decode(ListingsAPI.ListingBody.self).status == .sold)
                #expect(try await addresses("") == ["2 Mid St", "1 Small St"])  // active only, as documented
                #expect(try await addresses("?status=sold") == ["3 Big St"])

                for bad in ["?status=gone", "?minPrice=cheap", "?minBedrooms=-1", "?beds=3"] {
                    #expect(try await client.get("/api/v1/listings\(bad)", key: key).status == .badRequest, "\(bad)")
                }
                let events = try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id)
                #expect(
                    events.map(\.type) == [.listingCreated, .listingCreated, .listingCreated, .listingStatusChanged])
                let change = try JSONSerialization.jsonObject(with: Data(events[3].data.utf8)) as? [String: Any]
                #expect(change?["status"] as? String == "sold" && change?["previousStatus"] as? String == "active")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func badListingsAreRefusedAndOtherWorkspacesCannotSeeThem(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            let other = try await seed.apiKey()
            try await app.test(.router) { client in
                let missing = try await client.send(.post, "/api/v1/listings", json: ["bedrooms": 2], key: key)
                #expect(try Set(missing.error.error.fields?.map(\.field) ?? []) == ["address", "price"])
                let bad = try await client.send(
                    .post, "/api/v1/listings",
                    json: ["address": "A", "price": 1, "bathrooms": 2.25, "bedrooms": 1.5, "pool": true],
                    key: key
                )
                #expect(try Set(bad.error.error.fields?.map(\.field) ?? []) == ["bathrooms", "bedrooms", "pool"])
                let id = try await client.send(
                    .post, "/api/v1/listings", json: ["address": "Mine", "price": 1], key: key
                )
                .decode(ListingsAPI.Created.self).listingId
                #expect(try await client.get("/api/v1/listings/\(id)", key: other).status == .notFound)
                #expect(
                    try await client.send(.patch, "/api/v1/listings/\(id)", json: ["status": "sold"], key: other).status
                        == .notFound)
                #expect(
                    try await client.get("/api/v1/listings", key: other).decode(ListingsAPI.ListingList.self).total == 0
                )
            }
        }
    }
}
