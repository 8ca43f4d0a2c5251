import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Leadlight

/// A price is exact end to end: sent as a number or numeric string, returned as the same JSON number.
@Suite struct ExactMoneyTests {
    @Test(arguments: TestDatabase.available)
    func pricesComeBackDigitForDigit(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                // (the JSON text of the price as a client sends it, what comes back)
                let prices: [(sent: String, expected: String)] = [
                    ("19.99", "19.99"), ("0.07", "0.07"), ("1234567.89", "1234567.89"), (#""19.99""#, "19.99"),
                    (#""0.0001""#, "0.0001"), ("99999999999.9999", "99999999999.9999"), ("0", "0"),
                    (#""12.50""#, "12.5"), ("12.50", "12.5"), ("1e2", "100"),
                ]
                for (index, price) in prices.enumerated() {
                    let body = #"{"name": "P\#(index)", "sku": "P-\#(index)", "price": \#(price.sent)}"#
                    let created = try await client.send(.post, "/api/v1/products", body: Data(body.utf8), key: key)
                    #expect(created.status == .created)
                    #expect(created.text.contains("\"price\":\(price.expected)"), "\(price.expected): \(created.text)")
                    let id = try created.offering.id
                    let read = try await client.get("/api/v1/products/\(id)", key: key)
                    #expect(read.text.contains("\"price\":\(price.expected)"), "\(price.expected): \(read.text)")
                    #expect(try read.offering.price == Decimal(string: price.expected))
                }
                let list = try await client.get("/api/v1/products?limit=200", key: key)
                for price in prices { #expect(list.text.contains("\"price\":\(price.expected)")) }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func pricesThatCannotBeExactAreRefused(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let rows = [
                    #"{"name": "Five places", "sku": "X-1", "price": 1.00001}"#,
                    #"{"name": "Negative", "sku": "X-2", "price": -1}"#,
                    #"{"name": "Words", "sku": "X-3", "price": "twelve"}"#,
                    #"{"name": "Exponent", "sku": "X-4", "price": "1e3"}"#,
                    #"{"name": "Too big", "sku": "X-5", "price": 1000000000000.01}"#,
                    #"{"name": "Bool", "sku": "X-6", "price": true}"#,
                    #"{"name": "Fine", "sku": "X-7", "price": "  7.5 "}"#,
                ]
                let body = Data("[\(rows.joined(separator: ","))]".utf8)
                let bulk = try await client.send(.post, "/api/v1/products", body: body, key: key).bulk
                #expect(
                    bulk.results.map { $0.errors?.map(\.field) ?? [] } == [
                        ["price"], ["price"], ["price"], ["price"], ["price"], ["price"], [],
                    ])
                #expect(try await seed.offeringCount() == 1)
            }
        }
    }

    @Test func moneyKeepsTenThousandths() throws {
        #expect(try Money(validating: Decimal(string: "19.99")!, field: "price").units == 199_900)
        #expect(try Money(validating: "0.07", field: "price").units == 700)
        #expect(Money(units: 12_345_678_900).decimal == Decimal(string: "1234567.89"))
        #expect(throws: ValidationFailure.self) { try Money(validating: "1.23456", field: "price") }
        #expect(throws: ValidationFailure.self) { try Money(validating: "1,000", field: "price") }
        #expect(throws: ValidationFailure.self) { try Money(validating: "", field: "price") }
    }
}

@Suite struct MoneyParsingTests {
    @Test(
        arguments: [
            ("19.99", 199_900), ("0.07", 700), ("1234567.89", 12_345_678_900), ("0", 0), ("-0", 0), ("7", 70_000),
            ("12.5000", 125_000), ("1.500000", 15_000), ("  3.25 ", 32_500), ("1000000000000", 10_000_000_000_000_000),
            ("0.0001", 1),
        ] as [(String, Int64)])
    func plainDecimalsParseToTenThousandths(text: String, units: Int64) throws {
        #expect(try Money(validating: text, field: "price").units == units)
    }

    @Test(arguments: [
        "", " ", ".", "1.", ".5", "1e3", "1,000", "1.2.3", "--1", "-1", "-0.01", "1.00001", "abc", "١٢", "+1",
        "1000000000000.0001", "99999999999999999999",
    ])
    func anythingElseIsRefused(text: String) {
        #expect(throws: ValidationFailure.self) { try Money(validating: text, field: "price") }
    }

    @Test func jsonNumbersGoThroughTheirExactDigits() throws {
        for text in ["19.99", "0.07", "1234567.89", "99999999999.9999", "100"] {
            let money = try Money(validating: Decimal(string: text)!, field: "price")
            #expect(money.decimal == Decimal(string: text))
            #expect("\(money)" == text)
        }
    }
}
