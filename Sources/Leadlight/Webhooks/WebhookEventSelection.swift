/// The events an endpoint subscribes to: all of the catalogue (`["*"]`), or some of it.
package enum WebhookEventSelection: Sendable, Equatable {
    case all
    case only(Set<EventType>)

    /// From the wire: a non-empty list of catalogue names, or `["*"]`.
    init(validating names: [String], field: String = "events") throws(ValidationFailure) {
        guard !names.isEmpty else {
            throw ValidationFailure([
                FieldError(field: field, message: "must name at least one event, or \"*\" for all")
            ])
        }
        if names == ["*"] {
            self = .all
            return
        }
        var types = Set<EventType>()
        for name in names {
            guard let type = EventType(rawValue: name), EventType.catalogue.contains(type) else {
                let known = EventType.catalogue.map(\.rawValue).joined(separator: ", ")
                throw ValidationFailure([
                    FieldError(
                        field: field, message: "\"\(name)\" is not an event; expected \"*\" or some of: \(known)")
                ])
            }
            types.insert(type)
        }
        self = .only(types)
    }

    /// As stored in `webhook_endpoints.events`: `*`, or names separated by spaces.
    init(stored: String) {
        if stored == "*" {
            self = .all
        } else {
            self = .only(Set(stored.split(separator: " ").compactMap { EventType(rawValue: String($0)) }))
        }
    }

    var stored: String { self.names.joined(separator: " ") }

    /// On the wire: `["*"]`, or the names in catalogue order.
    var names: [String] {
        switch self {
        case .all: ["*"]
        case .only(let types): EventType.catalogue.filter(types.contains).map(\.rawValue)
        }
    }

    /// Whether a recorded event of `type` is delivered to the endpoint (a test event always is, by hand).
    func includes(_ type: EventType) -> Bool {
        switch self {
        case .all: type != .webhookTest
        case .only(let types): types.contains(type)
        }
    }
}
