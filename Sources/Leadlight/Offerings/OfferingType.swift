/// What kind of offering it is; the raw values are the wire spellings (seeds/000, Offerings & types).
package enum OfferingType: String, Sendable, Codable, CaseIterable {
    case product = "PRODUCT"
    case service = "SERVICE"
    case subscription = "SUBSCRIPTION"
    case contract = "CONTRACT"

    /// The fields only this type may carry, by wire name.
    var specificFields: [String] {
        switch self {
        case .product: ["sku", "stockQty", "reorderLevel", "unit"]
        case .service: []
        case .subscription: ["billingPeriod"]
        case .contract: ["termMonths"]
        }
    }

    /// The type a type-specific field belongs to.
    static func owner(of field: String) -> OfferingType? {
        Self.allCases.first { $0.specificFields.contains(field) }
    }

    static var spellings: String { Self.allCases.map(\.rawValue).joined(separator: ", ") }
}

/// How often a subscription bills.
package enum BillingPeriod: String, Sendable, Codable, CaseIterable {
    case monthly = "MONTHLY"
    case yearly = "YEARLY"
}
