import Foundation
import Hummingbird

/// Bodies for `/api/v1/products` (seeds/000). JSON keys are a contract with people's sync jobs; never rename one.
package enum OfferingsAPI {
    /// An offering as the API shows it. Every field is always present; those that do not apply are null.
    package struct OfferingBody: ResponseCodable, Equatable {
        package var id: Offering.ID
        package var type: OfferingType
        package var name: String
        package var description: String?
        /// An exact JSON number: `19.99` comes back as `19.99`.
        package var price: Decimal?
        package var currency: String
        package var active: Bool
        package var sku: String?
        package var stockQty: Int64?
        package var reorderLevel: Int64?
        package var unit: String?
        package var billingPeriod: BillingPeriod?
        package var termMonths: Int?
        package var externalId: String?
        package var createdAt: Date
        package var updatedAt: Date

        package init(_ offering: Offering) {
            self.id = offering.id
            self.type = offering.type
            self.name = offering.name
            self.description = offering.description
            self.price = offering.price?.decimal
            self.currency = offering.currency.rawValue
            self.active = offering.active
            self.sku = offering.sku
            self.stockQty = offering.stockQty
            self.reorderLevel = offering.reorderLevel
            self.unit = offering.unit
            self.billingPeriod = offering.billingPeriod
            self.termMonths = offering.termMonths
            self.externalId = offering.externalID
            self.createdAt = offering.createdAt
            self.updatedAt = offering.updatedAt
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            try container.encode(self.type, forKey: .type)
            try container.encode(self.name, forKey: .name)
            try container.encode(self.description, forKey: .description)
            try container.encode(self.price, forKey: .price)
            try container.encode(self.currency, forKey: .currency)
            try container.encode(self.active, forKey: .active)
            try container.encode(self.sku, forKey: .sku)
            try container.encode(self.stockQty, forKey: .stockQty)
            try container.encode(self.reorderLevel, forKey: .reorderLevel)
            try container.encode(self.unit, forKey: .unit)
            try container.encode(self.billingPeriod, forKey: .billingPeriod)
            try container.encode(self.termMonths, forKey: .termMonths)
            try container.encode(self.externalId, forKey: .externalId)
            try container.encode(self.createdAt, forKey: .createdAt)
            try container.encode(self.updatedAt, forKey: .updatedAt)
        }
    }

    /// The body of `POST /api/v1/products`: one offering, `{"products": [...]}`, or a bare array.
    package enum UpsertRequest: Decodable, Sendable {
        case single(OfferingRow)
        case batch([OfferingRow])

        /// The body `Request.jsonBody` returned (UTF-8, checked), read in one pass (`JSONValue`) where that
        /// surely reads it as `JSONDecoder` would, else by `JSONDecoder`: the same request either way, and the same
        /// 400 for a body that is not one. (`JSONDecoder`'s keyed containers were a quarter of a 1,000-row batch.)
        init(body: ByteBuffer) throws {
            let document = body.withUnsafeReadableBytes { try? JSONValue.document($0) }
            if let document, !document.replacedLoneSurrogate, Self.readsAsJSONDecoderDoes(document.root),
                let request = Self(document.root)
            {
                self = request
            } else {
                self = try Request.decodeJSON(as: Self.self, from: body)
            }
        }

        /// True where `JSONDecoder` surely makes of `value` what `OfferingRow(json:)` does: no key twice in an
        /// object, every number plain (no exponent) and short enough that `Decimal` keeps every digit, little
        /// nesting. Anything else is left to `JSONDecoder` itself.
        static func readsAsJSONDecoderDoes(_ value: JSONValue, depth: Int = 0) -> Bool {
            switch value {
            case .object(let members):
                return depth < 32 && !Self.repeatsAKey(members)
                    && members.allSatisfy { Self.readsAsJSONDecoderDoes($0.value, depth: depth + 1) }
            case .array(let elements):
                return depth < 32 && elements.allSatisfy { Self.readsAsJSONDecoderDoes($0, depth: depth + 1) }
            case .number(let text):
                return text.utf8.count <= 30
                    && !text.utf8.contains { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
            case .string, .bool, .null:
                return true
            }
        }

        /// Whether a key appears twice: for a row's few fields, compared pair by pair (a `Set` of them was 5% of
        /// an unchanged 1,000-row batch).
        static func repeatsAKey(_ members: [(key: String, value: JSONValue)]) -> Bool {
            guard members.count > 16 else {
                for (offset, member) in members.enumerated().dropFirst()
                where members[..<offset].contains(where: { $0.key == member.key }) {
                    return true
                }
                return false
            }
            return Set(members.map(\.key)).count != members.count
        }

        /// As `init(from:)` reads it: an array of rows, an object with `products`, or one row; nil where that
        /// would fail (`products` not an array, a body neither object nor array), for `JSONDecoder` to say so.
        init?(_ value: JSONValue) {
            switch value {
            case .array(let rows):
                self = .batch(rows.map(OfferingRow.init(json:)))
            case .object:
                guard let products = value["products"] else {
                    self = .single(OfferingRow(json: value))
                    return
                }
                guard case .array(let rows) = products else { return nil }
                self = .batch(rows.map(OfferingRow.init(json:)))
            default:
                return nil
            }
        }

        package init(from decoder: any Decoder) throws {
            if let rows = try? decoder.singleValueContainer().decode([OfferingRow].self) {
                self = .batch(rows)
                return
            }
            let container = try decoder.container(keyedBy: DynamicCodingKey.self)
            if container.contains(DynamicCodingKey("products")) {
                self = .batch(try container.decode([OfferingRow].self, forKey: DynamicCodingKey("products")))
            } else {
                self = .single(try OfferingRow(from: decoder))
            }
        }
    }

    /// One row's outcome in a bulk answer.
    package struct RowResult: Codable, Sendable, Equatable {
        package var index: Int
        package var status: OfferingUpserter.Status
        package var id: Offering.ID?
        package var sku: String?
        package var externalId: String?
        package var errors: [FieldError]?

        init(_ result: OfferingUpserter.RowResult) {
            self.index = result.index
            self.status = result.status
            self.id = result.id
            self.sku = result.sku
            self.externalId = result.externalID
            self.errors = result.errors.isEmpty ? nil : result.errors
        }
    }

    package struct Summary: Codable, Sendable, Equatable {
        package var total = 0
        package var created = 0
        package var updated = 0
        package var unchanged = 0
        package var failed = 0
    }

    /// The bulk answer: 200 when every row succeeded, 207 when some failed.
    package struct BulkResponse: ResponseCodable {
        package var success: Bool
        package var summary: Summary
        package var results: [RowResult]

        init(_ results: [OfferingUpserter.RowResult]) {
            var summary = Summary(total: results.count)
            for result in results {
                switch result.status {
                case .created: summary.created += 1
                case .updated: summary.updated += 1
                case .unchanged: summary.unchanged += 1
                case .failed: summary.failed += 1
                }
            }
            self.success = summary.failed == 0
            self.summary = summary
            self.results = results.map(RowResult.init)
        }

        /// The same JSON `JSONEncoder` would write, several times faster: a 1,000-row answer is on the hot path.
        func jsonBytes() -> ByteBuffer {
            var json = JSONWriter(capacity: 128 + self.results.count * 96)
            json.beginObject()
            json.write("success", self.success)
            json.beginObject("summary")
            json.write("total", self.summary.total)
            json.write("created", self.summary.created)
            json.write("updated", self.summary.updated)
            json.write("unchanged", self.summary.unchanged)
            json.write("failed", self.summary.failed)
            json.endObject()
            json.beginArray("results")
            for result in self.results {
                json.beginObject()
                json.write("index", result.index)
                json.write("status", result.status.rawValue)
                json.write("id", result.id?.rawValue)
                json.write("sku", result.sku)
                json.write("externalId", result.externalId)
                if let errors = result.errors {
                    json.beginArray("errors")
                    for error in errors {
                        json.beginObject()
                        json.write("field", error.field)
                        json.write("message", error.message)
                        json.endObject()
                    }
                    json.endArray()
                }
                json.endObject()
            }
            json.endArray()
            json.endObject()
            return json.buffer
        }
    }

    package struct OfferingList: ResponseCodable {
        package var products: [OfferingBody]
        package var total: Int
    }

    /// Counts by type and active state, to check what a sync job left in the workspace.
    package struct CatalogSummary: ResponseCodable, Equatable {
        package struct Counts: Codable, Sendable, Equatable {
            package var total = 0
            package var active = 0
            package var inactive = 0

            mutating func add(_ count: Int, active: Bool) {
                self.total += count
                if active { self.active += count } else { self.inactive += count }
            }
        }

        package var total: Int
        package var active: Int
        package var inactive: Int
        package var byType: [String: Counts]

        init(_ rows: [(type: OfferingType, active: Bool, count: Int)]) {
            var all = Counts()
            var byType = Dictionary(uniqueKeysWithValues: OfferingType.allCases.map { ($0.rawValue, Counts()) })
            for row in rows {
                all.add(row.count, active: row.active)
                byType[row.type.rawValue, default: Counts()].add(row.count, active: row.active)
            }
            self.total = all.total
            self.active = all.active
            self.inactive = all.inactive
            self.byType = byType
        }
    }

    package struct Deleted: ResponseCodable {
        package var id: Offering.ID
        package var deleted = true
    }
}
