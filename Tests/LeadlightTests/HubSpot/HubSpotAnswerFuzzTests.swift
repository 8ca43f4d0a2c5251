import Foundation
import NIOCore
import Testing

@testable import Leadlight

/// HubSpot's answers are input from elsewhere: any bytes as a page of products or an error body are read or
/// refused with `HubSpotError.unreadable`, never a crash; and any product maps to a row or a failure.
@Suite struct HubSpotAnswerFuzzTests {
    @Test func anyAnswerIsReadOrRefused() {
        var input = FuzzInput(stream: "hubspot-answers")
        let pieces = [
            "{", "}", "[", "]", ",", ":", "\"results\"", "\"paging\"", "\"next\"", "\"after\"", "\"id\"",
            "\"properties\"",
            "\"archived\"", "\"name\"", "\"price\"", "\"hs_sku\"", "\"recurringbillingfrequency\"", "\"monthly\"",
            "\"quarterly\"", "null", "true", "1", "\"x\"", "\"\"", "\"message\"", "\"category\"", "\"policyName\"",
        ]
        let values: [Any] = [
            NSNull(), true, 0, -1, 1.5, "", "x", "monthly", "annually", "quarterly", "service", "25000.00", [], [:],
            ["after": "100"], [["id": "1"]],
        ]
        let names = [
            "id", "properties", "archived", "results", "paging", "next", "after", "name", "price", "hs_sku",
            "hs_product_type", "recurringbillingfrequency", "description",
        ]
        for iteration in 0..<FuzzInput.iterations {
            let text: String
            if iteration % 2 == 0 {
                text = (0..<input.int(0...30)).map { _ in input.pick(pieces) }.joined()
            } else {
                // well-formed JSON of HubSpot's shape, with any value in any place
                func object(_ depth: Int) -> [String: Any] {
                    var made: [String: Any] = [:]
                    for _ in 0..<input.int(0...5) {
                        made[input.pick(names)] =
                            depth > 0 && input.chance(0.4) ? object(depth - 1) : input.pick(values)
                    }
                    return made
                }
                var page = object(1)
                page["results"] = (0..<input.int(0...4)).map { _ in
                    var product = object(1)
                    if input.chance(0.7) { product["id"] = "\(input.int(1...999))" }
                    if input.chance(0.7) { product["properties"] = object(0) }
                    return product
                }
                let data = try? JSONSerialization.data(withJSONObject: page)
                text = String(decoding: data ?? Data(), as: UTF8.self)
            }
            let body = ByteBuffer(string: text)
            _ = HubSpotErrorBody(body)
            do {
                let page = try HubSpotPage(json: body)
                for product in page.products {
                    let mapped = HubSpotProductMapping.map(product)
                    #expect(mapped.failure != nil || mapped.cells.contains { $0.field == "externalId" })
                }
            } catch let error as HubSpotError {
                guard case .unreadable = error else {
                    Issue.record("\(error)")
                    continue
                }
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
