import Foundation
import Hummingbird
import NIOCore
import Testing

@testable import Leadlight

/// `JSONValue` reads a products body in one pass where `JSONDecoder` would read it the same, and gives up
/// otherwise; either way `OfferingsAPI.UpsertRequest(body:)` must be what `JSONDecoder` makes of the body.
@Suite(.onAThreadOfItsOwn) struct JSONValueTests {
    /// A row as a comparable text: every field as sent, and its errors in any order (`JSONDecoder` lists an
    /// object's keys in hash order, the one-pass reader in the order they were sent).
    private static func canonical(_ row: OfferingRow) -> String {
        let fields: [String] = [
            "\(row.type)", "\(row.name)", "\(row.description)", "\(row.price)", "\(row.currency)", "\(row.active)",
            "\(row.sku)", "\(row.stockQty)", "\(row.reorderLevel)", "\(row.unit)", "\(row.billingPeriod)",
            "\(row.termMonths)", "\(row.externalId)",
        ]
        let errors = row.errors.map { "\($0.field): \($0.message)" }.sorted()
        return (fields + errors).joined(separator: " | ")
    }

    private static func canonical(_ request: OfferingsAPI.UpsertRequest) -> [String] {
        switch request {
        case .single(let row): ["single", Self.canonical(row)]
        case .batch(let rows): ["batch"] + rows.map(Self.canonical)
        }
    }

    /// The request read in one pass, or nil where `UpsertRequest(body:)` leaves the body to `JSONDecoder`.
    private static func fast(_ bytes: [UInt8]) -> OfferingsAPI.UpsertRequest? {
        guard let document = bytes.withUnsafeBytes({ try? JSONValue.document($0) }), !document.replacedLoneSurrogate,
            OfferingsAPI.UpsertRequest.readsAsJSONDecoderDoes(document.root)
        else { return nil }
        return OfferingsAPI.UpsertRequest(document.root)
    }

    /// A products body as clients send them, and broken ones: rows from the real fields, top-level arrays with
    /// values that are not rows, any JSON at all, and all of these with bytes edited.
    private static func body(_ input: inout FuzzInput) -> [UInt8] {
        let fields: [String: FuzzInput.FieldKind] = [
            "name": .text(maxLength: 200), "type": .oneOf(OfferingType.allCases.map(\.rawValue)),
            "sku": .text(maxLength: 100), "externalId": .text(maxLength: 100), "description": .text(maxLength: 50),
            "price": .number, "currency": .oneOf(["USD", "EUR"]), "active": .boolean, "stockQty": .number,
            "reorderLevel": .number, "unit": .text(maxLength: 50), "termMonths": .number,
            "billingPeriod": .oneOf(BillingPeriod.allCases.map(\.rawValue)), "id": .text(maxLength: 10),
        ]
        let rows = (0..<input.int(0...4)).map { _ in
            input.chance(0.85) ? input.jsonObject(fields: fields) : input.jsonValue()
        }
        let text: String =
            switch input.int(0...5) {
            case 0: rows.first ?? "{}"
            case 1: "[" + rows.joined(separator: ", ") + "]"
            case 2: input.jsonValue()
            case 3: "{\"products\": \(input.chance(0.8) ? "[" + rows.joined(separator: ",") + "]" : input.jsonValue())}"
            default: " {\"products\" :\n[" + rows.joined(separator: ",\r\n\t") + "] } "
            }
        return input.chance(0.2) ? input.mutated(text) : Array(text.utf8)
    }

    @Test func aBodyReadInOnePassIsTheRequestJSONDecoderReads() throws {
        var input = FuzzInput(stream: "json-value")
        var (onePass, fellBack) = (0, 0)
        for iteration in 0..<FuzzInput.iterations {
            let bytes = Self.body(&input)
            // `Request.jsonBody` has refused a body that is not UTF-8 before either reader sees it
            guard String(validating: bytes, as: UTF8.self) != nil else { continue }
            let slow = Result {
                try Request.decodeJSON(as: OfferingsAPI.UpsertRequest.self, from: ByteBuffer(bytes: bytes))
            }
            let served = Result { try OfferingsAPI.UpsertRequest(body: ByteBuffer(bytes: bytes)) }
            let replay = "#\(iteration) (seed \(FuzzInput.seed)): \(String(decoding: bytes, as: UTF8.self))"
            switch (slow, served) {
            case (.success(let expected), .success(let answered)):
                #expect(Self.canonical(answered) == Self.canonical(expected), "\(replay)")
            case (.failure(let expected), .failure(let answered)):
                #expect(String(describing: answered) == String(describing: expected), "\(replay)")
            default:
                Issue.record("one reader took the body, the other did not: \(replay)")
            }
            if Self.fast(bytes) != nil { onePass += 1 } else { fellBack += 1 }
        }
        // both paths are exercised, and the ordinary bodies take the fast one
        #expect(onePass * 3 >= FuzzInput.iterations, "only \(onePass) bodies read in one pass")
        #expect(fellBack * 20 >= FuzzInput.iterations, "only \(fellBack) bodies went to JSONDecoder")
    }

    @Test func whatTheOnePassReaderLeavesToJSONDecoder() {
        func fast(_ text: String) -> Bool { Self.fast(Array(text.utf8)) != nil }
        #expect(fast(#"{"products": [{"name": "x\u00e9\ud83d\ude00\n", "price": -0.5, "active": true}, null]}"#))
        #expect(!fast(#"{"price": 1e3}"#), "an exponent")
        #expect(!fast(#"{"price": 1234567890123456789012345678901}"#), "more digits than Decimal surely keeps")
        #expect(!fast(#"{"sku": "a", "sku": "b"}"#), "a key twice")
        let many = (0..<20).map { "\"k\($0)\": \($0)" }
        #expect(fast("{" + many.joined(separator: ", ") + "}"))
        #expect(!fast("{" + (many + [#""k3": 0"#]).joined(separator: ", ") + "}"), "a key twice among many")
        #expect(!fast(#"{"name": "\ud800"}"#), "a lone surrogate")
        #expect(!fast("{\"name\": " + String(repeating: "[", count: 32) + String(repeating: "]", count: 32) + "}"))
        #expect(fast("{\"name\": " + String(repeating: "[", count: 30) + String(repeating: "]", count: 30) + "}"))
        // and what it leaves still answers as JSONDecoder does
        let body = ByteBuffer(string: #"{"products": [{"sku": "A", "stockQty": 1e2}]}"#)
        guard case .batch(let rows) = try? OfferingsAPI.UpsertRequest(body: body) else {
            Issue.record("the body was not read")
            return
        }
        #expect(rows.first?.stockQty == .value(100))
    }

    /// A whole number of up to 18 digits is read from its digits, anything else by `Decimal(string:)`: the same
    /// number either way, held the same way (exponent, significand, sign), for fuzzed number texts.
    @Test func aNumberReadFromItsDigitsIsTheDecimalFoundationReads() {
        var input = FuzzInput(stream: "json-number")
        var fromDigits = 0
        for _ in 0..<FuzzInput.iterations {
            let text =
                input.chance(0.3) ? String(input.int(Int(Int64.min / 10)...Int(Int64.max / 10))) : input.numberText()
            let read = JSONValueObjectReader.decimal(text)
            let expected = Decimal(string: text)
            #expect(
                read.map { "\($0) \($0.exponent) \($0.significand) \($0.sign)" }
                    == expected.map { "\($0) \($0.exponent) \($0.significand) \($0.sign)" }, "\(text)")
            if text.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            {
                fromDigits += 1
            }
        }
        #expect(fromDigits * 3 >= FuzzInput.iterations, "only \(fromDigits) whole numbers")
    }

    @Test func theReaderTakesJSONAndNothingElse() {
        func reads(_ text: String) -> Bool { Array(text.utf8).withUnsafeBytes { (try? JSONValue.document($0)) != nil } }
        for json in [#"{"a": [1, -0.5, 1E+3, "x\/\u00e9", true, false, null], "b": {}}"#, " 0 ", "\"\"", "[[]]"] {
            #expect(reads(json), "\(json)")
        }
        #expect(reads(String(repeating: "[", count: 512) + String(repeating: "]", count: 512)))
        #expect(!reads(String(repeating: "[", count: 513) + String(repeating: "]", count: 513)), "nesting")
        for broken in ["", "{", "[1,]", "{\"a\":}", "01", "-", "1.", "1e", "\"\u{1}\"", "\"\\x\"", "\"\\u12\"", "tru"]
            + ["nul", "{} {}", "[1 2]", "{\"a\" 1}", "{1: 2}"]
        {
            #expect(!reads(broken), "\(broken)")
        }
    }
}
