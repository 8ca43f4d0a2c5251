import Foundation
import Hummingbird

/// The filters of `GET /api/v1/products`, checked: an unknown parameter or value is a 400, not an empty list.
package struct OfferingQuery: Sendable, Equatable {
    package var type: OfferingType?
    package var sku: String?
    package var externalID: String?
    package var active: Bool?
    /// Case-insensitive search in name, sku and description.
    package var search: String?
    package var updatedSince: Date?
    package var limit = 50
    package var offset = 0

    static let parameters: Set<String> = [
        "type", "sku", "externalId", "active", "q", "updatedSince", "limit", "offset",
    ]

    package init() {}

    init(validating parameters: Hummingbird.Parameters) throws {
        var errors = FieldErrorCollector()
        for parameter in parameters where !Self.parameters.contains(String(parameter.key)) {
            errors.add(
                String(parameter.key), "is not a filter; use \(Self.parameters.sorted().joined(separator: ", "))")
        }
        if let text = parameters.get("type") {
            self.type = OfferingType(rawValue: text.uppercased())
            if self.type == nil { errors.add("type", "must be one of \(OfferingType.spellings)") }
        }
        self.sku = parameters.get("sku")
        self.externalID = parameters.get("externalId")
        if let text = parameters.get("active") {
            switch text.lowercased() {
            case "true": self.active = true
            case "false": self.active = false
            default: errors.add("active", "must be true or false")
            }
        }
        if let text = parameters.get("q"), !text.isEmpty { self.search = text }
        if let text = parameters.get("updatedSince") {
            self.updatedSince = LeadlightJSON.date(text)
            if self.updatedSince == nil {
                errors.add("updatedSince", "must be an ISO 8601 time, like 2026-11-23T21:37:38Z")
            }
        }
        (self.limit, self.offset) = QueryRules.page(parameters.get("limit"), parameters.get("offset"), &errors)
        try errors.throwIfAny()
    }
}
