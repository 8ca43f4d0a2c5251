/// Where a lead stands; raw values are the wire spellings (seeds/001: `?status=new`).
package enum LeadStatus: String, Sendable, Codable, CaseIterable {
    case new
    case contacted
    case qualified
    case converted
    case lost

    static var spellings: String { Self.allCases.map(\.rawValue).joined(separator: ", ") }
}
