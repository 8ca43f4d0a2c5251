import Foundation

/// One offering as a client sent it, read leniently: a field of the wrong JSON type, an unknown field or a row
/// that is not an object becomes an error of this row alone, so the other rows of a batch still go through.
package struct OfferingRow: Decodable, Sendable {
    package var type: SentValue<String> = .absent
    package var name: SentValue<String> = .absent
    package var description: SentValue<String> = .absent
    package var price: SentValue<PriceInput> = .absent
    package var currency: SentValue<String> = .absent
    package var active: SentValue<Bool> = .absent
    package var sku: SentValue<String> = .absent
    package var stockQty: SentValue<Decimal> = .absent
    package var reorderLevel: SentValue<Decimal> = .absent
    package var unit: SentValue<String> = .absent
    package var billingPeriod: SentValue<String> = .absent
    package var termMonths: SentValue<Decimal> = .absent
    package var externalId: SentValue<String> = .absent
    /// Problems found while reading: wrong JSON types and unknown fields.
    package var errors: [FieldError] = []

    /// A price as sent: a JSON number or a numeric string.
    package typealias PriceInput = NumberOrString

    /// Fields a client may echo back from a response; they are read-only and ignored.
    static let ignoredFields: Set<String> = ["id", "createdAt", "updatedAt"]

    package init() {}

    package init(from decoder: any Decoder) throws {
        var reader = JSONObjectReader(decoder, describing: "one offering")
        self.init(reading: &reader)
    }

    /// The same row from a value read already (`JSONValue`: a bulk body read in one pass).
    init(json: JSONValue) {
        var reader = JSONValueObjectReader(json, describing: "one offering")
        self.init(reading: &reader)
    }

    /// The same row from a line of a file (`CSVRowReader`).
    init(csv reader: CSVRowReader) {
        var reader = reader
        self.init(reading: &reader)
    }

    private init(reading reader: inout some LenientObjectReader) {
        for field in reader.fields {
            switch field {
            case "type": self.type = reader.string(field)
            case "name": self.name = reader.string(field)
            case "description": self.description = reader.string(field)
            case "price":
                self.price = reader.numberOrString(field, message: "must be a number, like 19.99, or a numeric string")
            case "currency": self.currency = reader.string(field)
            case "active": self.active = reader.bool(field)
            case "sku": self.sku = reader.string(field)
            case "stockQty": self.stockQty = reader.number(field)
            case "reorderLevel": self.reorderLevel = reader.number(field)
            case "unit": self.unit = reader.string(field)
            case "billingPeriod": self.billingPeriod = reader.string(field)
            case "termMonths": self.termMonths = reader.number(field)
            case "externalId": self.externalId = reader.string(field)
            case _ where Self.ignoredFields.contains(field): continue
            default: reader.unknown(field, of: "an offering")
            }
        }
        self.errors = reader.errors
    }

    /// The sku and externalId as sent, for the per-row result, even when the row fails.
    var reportedSKU: String? { self.sku.value.map(TextRules.trimmed) }
    var reportedExternalID: String? { self.externalId.value.map(TextRules.trimmed) ?? self.reportedSKU }
}
