import Hummingbird

/// The filters of `GET /api/v1/webhooks/{id}/deliveries` (and `leadlight webhooks deliveries`): `state`,
/// `limit`, `offset`. An unknown parameter or value is a 400 naming it.
package struct WebhookDeliveryQuery: Sendable, Equatable {
    package var state: WebhookDeliveryState?
    package var limit = 50
    package var offset = 0

    static let parameters: Set<String> = ["state", "limit", "offset"]

    init(validating parameters: Hummingbird.Parameters) throws {
        try self.init(
            validating: Dictionary(parameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { $1 })
        )
    }

    package init(validating parameters: [String: String]) throws {
        var errors = FieldErrorCollector()
        QueryRules.rejectUnknown(Array(parameters.keys), allowed: Self.parameters, &errors)
        if let text = parameters["state"] {
            self.state = WebhookDeliveryState(rawValue: text.lowercased())
            if self.state == nil {
                let states = WebhookDeliveryState.allCases.map(\.rawValue).joined(separator: ", ")
                errors.add("state", "must be one of \(states)")
            }
        }
        (self.limit, self.offset) = QueryRules.page(parameters["limit"], parameters["offset"], &errors)
        try errors.throwIfAny()
    }
}
