/// A client's place in the buying pipeline, in pipeline order; raw values are the wire spellings.
package enum BuyingStage: String, Sendable, Codable, CaseIterable {
    case new = "New"
    case searching = "Searching"
    case touring = "Touring"
    case offer = "Offer"
    case underContract = "Under Contract"
    case closed = "Closed"
    case lost = "Lost"

    static var spellings: String { Self.allCases.map(\.rawValue).joined(separator: ", ") }

    /// Accepts any letter case and surrounding spaces (`under contract`).
    init?(lenient text: String) {
        let wanted = TextRules.trimmed(text).lowercased()
        guard let stage = Self.allCases.first(where: { $0.rawValue.lowercased() == wanted }) else { return nil }
        self = stage
    }
}
