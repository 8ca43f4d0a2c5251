import Hummingbird

/// The filters of `GET /api/v1/events`: `type` (one or more event types, comma-separated; without it, every
/// change, and test events only when named), the cursors `after` and `before` (event ids of this workspace) and
/// `limit`. An unknown parameter or value is a 400 naming it.
///
/// Events come newest first. `after=X` reads what was recorded since X, `before=Y` what came before Y; both
/// together page back through what was recorded since X (`before` the last id of each page) until `hasMore` is
/// false, which is how a receiver catches up after downtime.
package struct EventQuery: Sendable, Equatable {
    package var types: Set<EventType> = []
    package var after: Event.ID?
    package var before: Event.ID?
    package var limit = 50

    static let parameters: Set<String> = ["type", "after", "before", "limit"]

    init(validating parameters: Hummingbird.Parameters) throws {
        var errors = FieldErrorCollector()
        QueryRules.rejectUnknown(parameters.map { String($0.key) }, allowed: Self.parameters, &errors)
        if let text = parameters.get("type") {
            for name in text.split(separator: ",", omittingEmptySubsequences: false) {
                let name = name.trimmingCharacters(in: .whitespaces).lowercased()
                guard let type = EventType(rawValue: name) else {
                    let types = EventType.allCases.map(\.rawValue).joined(separator: ", ")
                    errors.add("type", "must be one or more of \(types), comma-separated")
                    break
                }
                self.types.insert(type)
            }
        }
        self.after = Self.cursor(parameters.get("after"), field: "after", &errors)
        self.before = Self.cursor(parameters.get("before"), field: "before", &errors)
        self.limit = QueryRules.integer(parameters.get("limit"), field: "limit", default: 50, in: 1...200, &errors)
        try errors.throwIfAny()
    }

    private static func cursor(_ text: String?, field: String, _ errors: inout FieldErrorCollector) -> Event.ID? {
        guard let text else { return nil }
        guard let id = Event.ID(text) else {
            errors.add(field, "must be an event id")
            return nil
        }
        return id
    }
}
