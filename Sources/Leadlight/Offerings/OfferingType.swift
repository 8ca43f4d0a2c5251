/// What kind of offering it is; the raw values are the wire spellings (seeds/000, Offerings & types).
package enum OfferingType: String, Sendable, Codable, CaseIterable {
    case product = "PRODUCT"
    case service = "SERVICE"
    case subscription = "SUBSCRIPTION"
    case contract = "CONTRACT"

    static var spellings: String { Self.allCases.map(\.rawValue).joined(separator: ", ") }
}
