import Hummingbird

/// The filters of `GET /api/v1/clients`: `buyingStage`, `q`, `archived`, `limit`, `offset`; anything else is a
/// 400.
struct ClientQuery: Sendable, Equatable {
    var buyingStage: BuyingStage?
    var search: SearchTerm?
    var archived = false
    var limit = 50
    var offset = 0

    static let parameters: Set<String> = ["buyingStage", "q", "archived", "limit", "offset"]

    init(validating parameters: Hummingbird.Parameters) throws {
        var errors = FieldErrorCollector()
        QueryRules.rejectUnknown(parameters.map { String($0.key) }, allowed: Self.parameters, &errors)
        if let text = parameters.get("buyingStage") {
            self.buyingStage = BuyingStage(lenient: text)
            if self.buyingStage == nil { errors.add("buyingStage", "must be one of \(BuyingStage.spellings)") }
        }
        self.search = QueryRules.search(parameters.get("q"), &errors)
        self.archived = QueryRules.archived(parameters.get("archived"), &errors)
        (self.limit, self.offset) = QueryRules.page(parameters.get("limit"), parameters.get("offset"), &errors)
        try errors.throwIfAny()
    }
}
