/// Where a showing stands; raw values are the wire spellings.
package enum ShowingStatus: String, Sendable, Codable, CaseIterable {
    case requested
    case confirmed
    case completed
    case cancelled

    static var spellings: String { Self.allCases.map(\.rawValue).joined(separator: ", ") }
}
