import Hummingbird

/// The filters of `GET /api/v1/clients`: `buyingStage`, `limit`, `offset`; anything else is a 400.
struct ClientQuery: Sendable, Equatable {
    var buyingStage: BuyingStage?
    var limit = 50
    var offset = 0

    static let parameters: Set<String> = ["buyingStage", "limit", "offset"]

    init(validating parameters: Hummingbird.Parameters) throws {
        var errors = FieldErrorCollector()
        QueryRules.rejectUnknown(parameters.map { String($0.key) }, allowed: Self.parameters, &errors)
        if let text = parameters.get("buyingStage") {
            self.buyingStage = BuyingStage(lenient: text)
            if self.buyingStage == nil { errors.add("buyingStage", "must be one of \(BuyingStage.spellings)") }
        }
        (self.limit, self.offset) = QueryRules.page(parameters.get("limit"), parameters.get("offset"), &errors)
        try errors.throwIfAny()
    }
}
