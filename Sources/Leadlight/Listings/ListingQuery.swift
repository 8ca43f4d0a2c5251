import Hummingbird

/// The filters of `GET /api/v1/listings`: active listings unless `status` says otherwise, a price range,
/// a minimum of bedrooms, `limit` and `offset`; anything else is a 400. The dashboard may ask for every
/// status (`status` nil).
package struct ListingQuery: Sendable, Equatable {
    package var status: ListingStatus? = .active
    /// Case-insensitive search in the address (the dashboard's).
    package var address: String?
    package var minPrice: Money?
    package var maxPrice: Money?
    package var minBedrooms: Int?
    package var archived = false
    package var limit = 50
    package var offset = 0

    static let parameters: Set<String> = [
        "status", "minPrice", "maxPrice", "minBedrooms", "archived", "limit", "offset",
    ]

    package init() {}

    init(validating parameters: Hummingbird.Parameters) throws {
        var errors = FieldErrorCollector()
        QueryRules.rejectUnknown(parameters.map { String($0.key) }, allowed: Self.parameters, &errors)
        if let text = parameters.get("status") {
            if let status = ListingStatus(rawValue: text.lowercased()) {
                self.status = status
            } else {
                errors.add("status", "must be one of \(ListingStatus.spellings)")
            }
        }
        self.minPrice = parameters.get("minPrice").flatMap { text in
            errors.check { try Money(validating: text, field: "minPrice") }
        }
        self.maxPrice = parameters.get("maxPrice").flatMap { text in
            errors.check { try Money(validating: text, field: "maxPrice") }
        }
        if parameters.get("minBedrooms") != nil {
            self.minBedrooms = QueryRules.integer(
                parameters.get("minBedrooms"), field: "minBedrooms", default: 0, in: 0...100, &errors)
        }
        self.archived = QueryRules.archived(parameters.get("archived"), &errors)
        (self.limit, self.offset) = QueryRules.page(parameters.get("limit"), parameters.get("offset"), &errors)
        try errors.throwIfAny()
    }
}
