import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Leadlight

/// Each type's fields and each way a row can be wrong fail that row, with the field named (issue 3).
@Suite struct OfferingValidationTests {
    /// Pushes `rows` and returns each row's error fields, in order (empty for a row that succeeded).
    private func errorFields(_ rows: [Any], on database: TestDatabase) async throws -> [[String]] {
        let body = try jsonData(["products": rows])
        let count = rows.count
        return try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            return try await app.test(.router) { client in
                let response = try await client.pushProducts(json: body, key: key)
                let bulk = try response.bulk
                #expect(bulk.results.map(\.index) == Array(0..<count))
                return bulk.results.map { ($0.errors ?? []).map(\.field) }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func eachTypeTakesItsOwnFields(on database: TestDatabase) async throws {
        let fields = try await self.errorFields(
            [
                ["name": "Desk", "sku": "D-1", "stockQty": 4, "reorderLevel": 1, "unit": "piece"],
                ["name": "Staging", "type": "SERVICE", "externalId": "staging"],
                ["name": "Boost", "type": "SUBSCRIPTION", "billingPeriod": "MONTHLY", "externalId": "boost-m"],
                ["name": "Boost yearly", "type": "subscription", "billingPeriod": "yearly", "externalId": "boost-y"],
                ["name": "Retainer", "type": "CONTRACT", "termMonths": 12, "externalId": "retainer"],
            ],
            on: database
        )
        #expect(fields == [[], [], [], [], []])
    }

    @Test(arguments: TestDatabase.available)
    func aTypeSpecificFieldOnAnotherTypeFailsTheRow(on database: TestDatabase) async throws {
        let fields = try await self.errorFields(
            [
                ["name": "Staging", "type": "SERVICE", "externalId": "s1", "stockQty": 3],
                [
                    "name": "Boost", "type": "SUBSCRIPTION", "billingPeriod": "MONTHLY", "externalId": "s2",
                    "termMonths": 6,
                ],
                [
                    "name": "Retainer", "type": "CONTRACT", "termMonths": 12, "externalId": "s3",
                    "billingPeriod": "YEARLY",
                ],
                ["name": "Desk", "sku": "D-2", "billingPeriod": "MONTHLY"],
                ["name": "Desk", "sku": "D-3", "unit": "box"],
            ],
            on: database
        )
        #expect(fields == [["stockQty"], ["termMonths"], ["billingPeriod"], ["billingPeriod"], []])
    }

    @Test(arguments: TestDatabase.available)
    func badValuesFailTheRowNamingTheField(on database: TestDatabase) async throws {
        let fields = try await self.errorFields(
            [
                ["name": "Negative", "sku": "N-1", "stockQty": -1],
                ["name": "Bad currency", "sku": "N-2", "currency": "XYZ"],
                ["name": "Half month", "type": "CONTRACT", "externalId": "c-1", "termMonths": 12.5],
                ["name": "Weekly", "type": "SUBSCRIPTION", "externalId": "w-1", "billingPeriod": "WEEKLY"],
                ["name": "No period", "type": "SUBSCRIPTION", "externalId": "w-2"],
                ["name": "No term", "type": "CONTRACT", "externalId": "c-2"],
                ["sku": "no-name"],
                ["name": "Unknown type", "type": "BUNDLE", "externalId": "u-1"],
                ["name": "No key", "type": "SERVICE"],
                ["name": 42, "sku": "wrong-type"],
                ["name": "Unknown field", "sku": "N-3", "colour": "red"],
                ["name": "Stock text", "sku": "N-4", "stockQty": "5"],
            ],
            on: database
        )
        #expect(
            fields == [
                ["stockQty"], ["currency"], ["termMonths"], ["billingPeriod"], ["billingPeriod"], ["termMonths"],
                ["name"], ["type"], ["externalId"], ["name"], ["colour"], ["stockQty"],
            ]
        )
    }

    @Test(arguments: TestDatabase.available)
    func aRowThatIsNotAnObjectFailsAlone(on database: TestDatabase) async throws {
        let fields = try await self.errorFields(
            [["name": "Fine", "sku": "F-1"], ["not", "an", "object"], 7], on: database)
        #expect(fields == [[], ["body"], ["body"]])
    }
}

/// The checks of a row's numbers and the fingerprint of its changes, for fuzzed numbers. On a thread of its own:
/// it computes for seconds without awaiting.
@Suite(.onAThreadOfItsOwn) struct OfferingChangesFuzzTests {
    /// A whole number is taken when it is one and within the range, as `Decimal`'s own comparisons tell;
    /// anything else fails the row with the reason.
    @Test func aQuantityIsTakenExactlyWhenItIsAWholeNumberInRange() throws {
        var input = FuzzInput(stream: "offering-whole-number")
        let most = Decimal(Int64(Int32.max) * 1000)
        for _ in 0..<FuzzInput.iterations {
            let text = input.numberText()
            guard let value = Decimal(string: text), !value.isNaN else { continue }
            var row = OfferingRow()
            row.name = .value("Desk")
            row.sku = .value("D-1")
            row.stockQty = .value(value)
            var rounded = Decimal()
            var copy = value
            NSDecimalRound(&rounded, &copy, 0, .plain)
            let expected: String? =
                rounded != value
                ? "must be a whole number"
                : value < 0 ? "must not be negative" : value > most ? "must be at most \(most)" : nil
            do {
                let changes = try OfferingChanges(validating: row)
                #expect(expected == nil, "\(text): taken, expected \(expected ?? "")")
                #expect(changes.stockQty.value.map { Decimal($0) } == value, "\(text)")
            } catch let failure as ValidationFailure {
                #expect(failure.fields.map(\.message) == [expected ?? "taken"], "\(text)")
            }
        }
    }

    /// The fingerprint of a row's changes is stored with the offering and compared on every re-run: the same row
    /// must keep the fingerprint it had when it was written (here, one computed by hand from its definition).
    @Test func aRowsFingerprintIsTheOneStoredBefore() throws {
        var row = OfferingRow()
        row.name = .value("Desk")
        row.sku = .value("D-1")
        row.price = .value(.text("19.99"))
        row.stockQty = .value(4)
        #expect(try OfferingChanges(validating: row).fingerprint == "ce0a586934307f4d1273c4fd378e8ef4")
    }
}
