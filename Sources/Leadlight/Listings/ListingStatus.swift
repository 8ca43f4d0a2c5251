/// Where a listing stands; raw values are the wire spellings.
package enum ListingStatus: String, Sendable, Codable, CaseIterable {
    case active
    case pending
    case sold
    case withdrawn

    static var spellings: String { Self.allCases.map(\.rawValue).joined(separator: ", ") }
}
