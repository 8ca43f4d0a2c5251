import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Leadlight

/// `POST /api/v1/products` is an idempotent upsert with per-row results (issue 3, DESIGN.md Offerings).
@Suite struct OfferingUpsertTests {
    @Test(arguments: TestDatabase.available)
    func aSingleOfferingAnswers201ThenOKAndIsNeverDuplicated(on database: TestDatabase) async throws {
        let clock = ManualClock()
        try await withTestApp(database, configure: { $0.clock = clock.wallClock }) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let row: [String: Any] = ["name": "Oak desk", "sku": "DESK-1", "price": "19.99", "stockQty": 4]
                let created = try await client.pushProducts(row, key: key)
                #expect(created.status == .created)
                let first = try created.offering
                #expect(first.externalId == "DESK-1")  // defaults to the sku
                #expect(first.currency == "USD" && first.active && first.type == .product)

                clock.advance(by: 60)
                let again = try await client.pushProducts(row, key: key)
                #expect(again.status == .ok)
                #expect(try again.offering == first)  // unchanged: updatedAt stays
                let stored = try await seed.offerings(in: workspace.workspace.id)
                #expect(stored.count == 1 && stored.first?.updatedAt == first.updatedAt)

                let changed = try await client.pushProducts(
                    ["name": "Oak desk", "sku": "DESK-1", "stockQty": 3], key: key)
                #expect(changed.status == .ok)
                let updated = try changed.offering
                #expect(updated.id == first.id && updated.stockQty == 3 && updated.price == Decimal(string: "19.99"))
                #expect(updated.updatedAt == clock.now && updated.createdAt == first.createdAt)

                let invalid = try await client.pushProducts(["name": "No key", "type": "SERVICE"], key: key)
                #expect(invalid.status == .badRequest)
                #expect(try invalid.error.error.fields?.map(\.field) == ["externalId"])
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func rowsMatchBySKUElseByExternalID(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let first = try await client.pushProducts(
                    [
                        ["name": "Desk", "sku": "D-1", "externalId": "erp-1"],
                        ["name": "Staging", "type": "SERVICE", "externalId": "svc-1", "price": 300],
                    ],
                    key: key
                ).bulk
                #expect(first.results.map(\.status) == [.created, .created])
                let second = try await client.pushProducts(
                    [
                        // by sku: the externalId may change with it
                        ["name": "Desk, oak", "sku": "D-1", "externalId": "erp-1b"],
                        // by externalId
                        ["name": "Home staging", "type": "SERVICE", "externalId": "svc-1"],
                    ],
                    key: key
                ).bulk
                #expect(second.results.map(\.status) == [.updated, .updated])
                #expect(second.results.map(\.id) == first.results.map(\.id))
                let stored = try await seed.offerings(in: workspace.workspace.id)
                #expect(stored.count == 2)
                #expect(Set(stored.map(\.name)) == ["Desk, oak", "Home staging"])
                #expect(stored.first { $0.sku == "D-1" }?.externalID == "erp-1b")
                #expect(stored.first { $0.externalID == "svc-1" }?.price == Money(units: 3_000_000))  // kept: not sent
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aBatchAnswers200Or207WithOneResultPerRowInOrderAndWritesTheValidRows(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let allGood = try await client.pushProducts(
                    ["products": [["name": "A", "sku": "A"], ["name": "B", "sku": "B"]]], key: key
                )
                #expect(allGood.status == .ok)
                #expect(try allGood.bulk.summary == .init(total: 2, created: 2, updated: 0, unchanged: 0, failed: 0))
                #expect(try allGood.bulk.success)

                let mixed = try await client.pushProducts(
                    [  // a bare array works too
                        ["name": "A", "sku": "A"],  // unchanged
                        ["name": "B2", "sku": "B"],  // updated
                        ["name": "Broken", "sku": "C", "stockQty": -5],  // failed
                        ["name": "D", "sku": "D"],  // created
                        ["name": "D again", "sku": "D"],  // failed: same sku earlier in the batch
                    ],
                    key: key
                )
                #expect(mixed.status.code == 207)
                let bulk = try mixed.bulk
                #expect(!bulk.success)
                #expect(bulk.summary == .init(total: 5, created: 1, updated: 1, unchanged: 1, failed: 2))
                #expect(bulk.results.map(\.index) == [0, 1, 2, 3, 4])
                #expect(bulk.results.map(\.status) == [.unchanged, .updated, .failed, .created, .failed])
                #expect(bulk.results.map(\.sku) == ["A", "B", "C", "D", "D"] as [String?])
                #expect(bulk.results[2].errors == [FieldError(field: "stockQty", message: "must not be negative")])
                #expect(bulk.results[4].errors?.first?.field == "sku")
                #expect(bulk.results[2].id == nil && bulk.results[3].id != nil)
                let stored = try await seed.offerings(in: workspace.workspace.id)
                #expect(stored.compactMap(\.sku).sorted() == ["A", "B", "D"])
                #expect(stored.first { $0.sku == "D" }?.name == "D")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func moreThanAThousandRowsAnswers413AndWritesNothing(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let rows = (0..<1001).map { ["name": "Row \($0)", "sku": "R-\($0)"] }
                let response = try await client.pushProducts(["products": rows], key: key)
                #expect(response.status == .contentTooLarge)
                #expect(try response.error.error.code == "batch_too_large")
                #expect(try await seed.offeringCount() == 0)

                let thousand = try await client.pushProducts(Array(rows.prefix(1000)), key: key)
                #expect(thousand.status == .ok)
                #expect(try thousand.bulk.summary.created == 1000)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func malformedOrEmptyBodiesAnswer400AndWriteNothing(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let broken = Data(#"{"products": [{"name": "A", "sku": "A"}, {"name": "B""#.utf8)
                let malformed = try await client.send(.post, "/api/v1/products", body: broken, key: key)
                #expect(malformed.status == .badRequest)
                #expect(try malformed.error.error.code == "invalid_json")
                let notAList = try await client.pushProducts(["products": "all of them"], key: key)
                #expect(notAList.status == .badRequest)
                #expect(try notAList.error.error.fields?.first?.field == "products")
                let empty = try await client.pushProducts(["products": [] as [Any]], key: key)
                #expect(empty.status == .badRequest)
                let text = try await client.send(
                    .post, "/api/v1/products", body: Data("name,sku\nA,A".utf8), key: key, contentType: "text/csv"
                )
                #expect(text.status == .unsupportedMediaType)
                #expect(try await seed.offeringCount() == 0)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anExternalIDOfAnotherOfferingFailsTheRow(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                _ = try await client.pushProducts([["name": "A", "sku": "A", "externalId": "shared"]], key: key)
                let clash = try await client.pushProducts(
                    [["name": "B", "sku": "B", "externalId": "shared"]], key: key
                ).bulk
                #expect(clash.results.first?.status == .failed)
                #expect(clash.results.first?.errors?.first?.field == "externalId")
                #expect(try await seed.offeringCount() == 1)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aNewSKUWhoseDefaultExternalIDBelongsToAnotherOfferingFailsAloneWhileTheRestIsWritten(
        on database: TestDatabase
    ) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                _ = try await client.pushProducts([["name": "A", "sku": "A", "externalId": "X"]], key: key)
                // "X" is a new sku, and its externalId defaults to "X", which offering A already has
                let bulk = try await client.pushProducts(
                    [["name": "Fine", "sku": "F"], ["name": "X", "sku": "X"], ["name": "A2", "sku": "A"]], key: key
                ).bulk
                #expect(bulk.results.map(\.status) == [.created, .failed, .updated])
                #expect(bulk.results[1].errors?.first?.field == "externalId")
                #expect(try await seed.offeringCount() == 2)
            }
        }
    }

    /// An unchanged row is recognised by the fingerprint of the row the offering was last written from; any
    /// other change to the offering must make the next upsert merge and compare again.
    @Test(arguments: TestDatabase.available)
    func aRowIsUnchangedOnlyWhileNothingElseChangedTheOffering(on database: TestDatabase) async throws {
        let clock = ManualClock()
        try await withTestApp(database, configure: { $0.clock = clock.wallClock }) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let original: [String: Any] = ["name": "Desk", "sku": "D", "price": "10.00", "stockQty": 5]
                func push(_ row: [String: Any]) async throws -> OfferingUpserter.Status? {
                    clock.advance(by: 1)
                    return try await client.pushProducts([row], key: key).bulk.results.first?.status
                }
                #expect(try await push(original) == .created)
                #expect(try await push(original) == .unchanged)

                // a PATCH changes the offering: the original row now changes it back
                let id = try await client.get("/api/v1/products?sku=D", key: key)
                    .decode(OfferingsAPI.OfferingList.self).products[0].id
                _ = try await client.send(.patch, "/api/v1/products/\(id)", json: ["stockQty": 7], key: key)
                #expect(try await push(original) == .updated)
                #expect(try await client.get("/api/v1/products/\(id)", key: key).offering.stockQty == 5)

                // another row changes it: the original row changes it back
                #expect(try await push(["name": "Desk", "sku": "D", "price": "12.00"]) == .updated)
                #expect(try await push(original) == .updated)
                #expect(try await client.get("/api/v1/products/\(id)", key: key).offering.price == 10)

                // another row that changes nothing is unchanged, and so is the original after it
                let before = try await client.get("/api/v1/products/\(id)", key: key).offering
                #expect(try await push(["name": "Desk", "sku": "D"]) == .unchanged)
                #expect(try await push(["name": "Desk", "sku": "D"]) == .unchanged)
                #expect(try await push(original) == .unchanged)
                #expect(try await client.get("/api/v1/products/\(id)", key: key).offering == before)

                // the single-object answer carries the whole offering when found unchanged by fingerprint
                let single = try await client.pushProducts(original, key: key)
                #expect(single.status == .ok)
                #expect(try single.offering == before)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aTenThousandOfferingCatalogPushedTwiceInTenRequestsLeavesTenThousand(on database: TestDatabase) async throws {
        try await withTestApp(database, configure: { $0.rateLimitPerMinute = 1000 }) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            let catalog: [[String: Any]] = (0..<10_000).map { index in
                switch index % 4 {
                case 0:
                    ["name": "Product \(index)", "sku": "SKU-\(index)", "price": "\(index).99", "stockQty": index % 50]
                case 1: ["name": "Service \(index)", "type": "SERVICE", "externalId": "svc-\(index)", "price": 120]
                case 2:
                    [
                        "name": "Plan \(index)", "type": "SUBSCRIPTION", "externalId": "plan-\(index)",
                        "billingPeriod": "YEARLY",
                    ]
                default:
                    ["name": "Contract \(index)", "type": "CONTRACT", "externalId": "ctr-\(index)", "termMonths": 24]
                }
            }
            let batches = try (0..<10).map { batch in
                try jsonData(["products": Array(catalog[(batch * 1000)..<((batch + 1) * 1000)])])
            }
            try await app.test(.router) { client in
                for pass in 0..<2 {
                    var summary = OfferingsAPI.Summary()
                    for body in batches {
                        let response = try await client.pushProducts(json: body, key: key)
                        #expect(response.status == .ok)
                        let part = try response.bulk.summary
                        summary.total += part.total
                        summary.created += part.created
                        summary.unchanged += part.unchanged
                        summary.failed += part.failed
                    }
                    if pass == 0 {
                        #expect(summary == .init(total: 10_000, created: 10_000, updated: 0, unchanged: 0, failed: 0))
                    } else {
                        #expect(summary == .init(total: 10_000, created: 0, updated: 0, unchanged: 10_000, failed: 0))
                    }
                }
                #expect(try await seed.offeringCount() == 10_000)
                let counts = try await client.get("/api/v1/products/summary", key: key).decode(
                    OfferingsAPI.CatalogSummary.self)
                #expect(counts.total == 10_000 && counts.byType["SUBSCRIPTION"]?.total == 2500)
            }
        }
    }
}

@Suite struct BulkResponseEncodingTests {
    /// The hand-written encoder says exactly what `JSONEncoder` would, awkward strings included.
    @Test func theFastEncoderAgreesWithJSONEncoder() throws {
        let awkward = "quote \" backslash \\ slash / newline \n tab \t bell \u{07} é 🏠 \u{2028}"
        let results = [
            OfferingUpserter.RowResult(index: 0, status: .created, offering: nil, sku: awkward, externalID: "e-1"),
            OfferingUpserter.RowResult(
                index: 1, status: .failed, offering: nil, sku: nil, externalID: nil,
                errors: [FieldError(field: "price", message: awkward)]
            ),
        ]
        let answer = OfferingsAPI.BulkResponse(results)
        let fast = try JSONDecoder().decode(OfferingsAPI.BulkResponse.self, from: Data(buffer: answer.jsonBytes()))
        let reference = try JSONDecoder().decode(OfferingsAPI.BulkResponse.self, from: JSONEncoder().encode(answer))
        #expect(fast.results == reference.results)
        #expect(fast.summary == reference.summary && fast.success == reference.success)
        #expect(fast.results[0].sku == awkward && fast.results[1].errors?.first?.message == awkward)
        let object = try JSONSerialization.jsonObject(with: Data(buffer: answer.jsonBytes())) as? [String: Any]
        #expect(object?["success"] as? Bool == false)
    }
}
