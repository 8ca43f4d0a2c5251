import Hummingbird

/// The filters of `GET /api/v1/showings`: `clientId`, `listingId`, `status`, `limit`, `offset`.
struct ShowingQuery: Sendable, Equatable {
    var clientID: Client.ID?
    var listingID: Listing.ID?
    var status: ShowingStatus?
    var archived = false
    var limit = 50
    var offset = 0

    static let parameters: Set<String> = ["clientId", "listingId", "status", "archived", "limit", "offset"]

    init() {}

    init(validating parameters: Hummingbird.Parameters) throws {
        var errors = FieldErrorCollector()
        QueryRules.rejectUnknown(parameters.map { String($0.key) }, allowed: Self.parameters, &errors)
        self.clientID = parameters.get("clientId").flatMap(Client.ID.init)
        self.listingID = parameters.get("listingId").flatMap(Listing.ID.init)
        if let text = parameters.get("status") {
            self.status = ShowingStatus(rawValue: text.lowercased())
            if self.status == nil { errors.add("status", "must be one of \(ShowingStatus.spellings)") }
        }
        self.archived = QueryRules.archived(parameters.get("archived"), &errors)
        (self.limit, self.offset) = QueryRules.page(parameters.get("limit"), parameters.get("offset"), &errors)
        try errors.throwIfAny()
    }
}
