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
    package enum PriceInput: Sendable, Equatable {
        case number(Decimal)
        case text(String)
    }

    /// Fields a client may echo back from a response; they are read-only and ignored.
    static let ignoredFields: Set<String> = ["id", "createdAt", "updatedAt"]

    package init() {}

    package init(from decoder: any Decoder) throws {
        guard let container = try? decoder.container(keyedBy: DynamicCodingKey.self) else {
            self.errors = [FieldError(field: "body", message: "must be a JSON object describing one offering")]
            return
        }
        for key in container.allKeys {
            let field = key.stringValue
            switch field {
            case "type": self.type = self.read(String.self, field, in: container)
            case "name": self.name = self.read(String.self, field, in: container)
            case "description": self.description = self.read(String.self, field, in: container)
            case "price": self.price = self.readPrice(in: container)
            case "currency": self.currency = self.read(String.self, field, in: container)
            case "active": self.active = self.read(Bool.self, field, in: container)
            case "sku": self.sku = self.read(String.self, field, in: container)
            case "stockQty": self.stockQty = self.read(Decimal.self, field, in: container)
            case "reorderLevel": self.reorderLevel = self.read(Decimal.self, field, in: container)
            case "unit": self.unit = self.read(String.self, field, in: container)
            case "billingPeriod": self.billingPeriod = self.read(String.self, field, in: container)
            case "termMonths": self.termMonths = self.read(Decimal.self, field, in: container)
            case "externalId": self.externalId = self.read(String.self, field, in: container)
            case _ where Self.ignoredFields.contains(field): continue
            default: self.errors.append(FieldError(field: field, message: "is not a field of an offering"))
            }
        }
    }

    private mutating func read<T: Decodable & Sendable>(
        _ type: T.Type,
        _ field: String,
        in container: KeyedDecodingContainer<DynamicCodingKey>
    ) -> SentValue<T> {
        let key = DynamicCodingKey(field)
        if let value = try? container.decode(T.self, forKey: key) { return .value(value) }  // the common case first
        if (try? container.decodeNil(forKey: key)) == true { return .null }
        let kind =
            switch type {
            case is String.Type: "a string"
            case is Bool.Type: "true or false"
            default: "a number"
            }
        self.errors.append(FieldError(field: field, message: "must be \(kind)"))
        return .absent
    }

    private mutating func readPrice(in container: KeyedDecodingContainer<DynamicCodingKey>) -> SentValue<PriceInput> {
        let key = DynamicCodingKey("price")
        if let number = try? container.decode(Decimal.self, forKey: key) { return .value(.number(number)) }
        if let text = try? container.decode(String.self, forKey: key) { return .value(.text(text)) }
        if (try? container.decodeNil(forKey: key)) == true { return .null }
        self.errors.append(FieldError(field: "price", message: "must be a number, like 19.99, or a numeric string"))
        return .absent
    }

    /// The sku and externalId as sent, for the per-row result, even when the row fails.
    var reportedSKU: String? { self.sku.value.map(TextRules.trimmed) }
    var reportedExternalID: String? { self.externalId.value.map(TextRules.trimmed) ?? self.reportedSKU }
}
