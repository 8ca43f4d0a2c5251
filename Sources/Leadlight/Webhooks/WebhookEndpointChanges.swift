import Foundation

/// An endpoint's fields as a client sent them, read and checked for shape: every bad field is named at once.
/// Whether the URL's host is an allowed target needs a DNS lookup, which the controller does next.
package struct WebhookEndpointChanges: Decodable, Sendable {
    var url: String?
    var events: WebhookEventSelection?
    var description: SentValue<String> = .absent
    var enabled: Bool?
    private var errors = FieldErrorCollector()

    static let maxDescriptionLength = 500

    package init(from decoder: any Decoder) throws {
        var reader = JSONObjectReader(decoder, describing: "a webhook endpoint")
        var errors = FieldErrorCollector()
        for field in reader.fields {
            switch field {
            case "url":
                switch reader.string(field) {
                case .absent: break
                case .null: errors.add("url", "must not be null")
                case .value(let text):
                    let url = TextRules.trimmed(text)
                    do {
                        _ = try WebhookTargetPolicy.parse(url)
                        self.url = url
                    } catch {
                        errors.add("url", error.reason)
                    }
                }
            case "events":
                switch reader.strings(field) {
                case .absent: break
                case .null: errors.add("events", "must be a list of event names, or [\"*\"] for all")
                case .value(let names): self.events = errors.check { try WebhookEventSelection(validating: names) }
                }
            case "description":
                self.description = reader.string(field).map { text in
                    errors.check {
                        try TextRules.optional(text, field: "description", maxLength: Self.maxDescriptionLength)
                    }
                }.flattened()
            case "enabled":
                switch reader.bool(field) {
                case .absent: break
                case .null: errors.add("enabled", "must be true or false")
                case .value(let flag): self.enabled = flag
                }
            case "id", "createdAt", "updatedAt", "disabledReason": continue  // read-only, echoed back
            default: reader.unknown(field, of: "a webhook endpoint")
            }
        }
        for error in reader.errors { errors.add(error.field, error.message) }
        self.errors = errors
    }

    func check() throws {
        try self.errors.throwIfAny()
    }

    func makeEndpoint(id: WebhookEndpoint.ID, in workspace: Workspace.ID, at now: Date) throws -> WebhookEndpoint {
        var errors = self.errors
        if self.url == nil && !errors.errors.contains(where: { $0.field == "url" }) { errors.add("url", "is required") }
        if self.events == nil && !errors.errors.contains(where: { $0.field == "events" }) {
            errors.add("events", "is required: a list of event names, or [\"*\"] for all")
        }
        try errors.throwIfAny()
        return WebhookEndpoint(
            id: id, workspaceID: workspace, url: self.url ?? "", events: self.events ?? .all,
            description: self.description.value, secret: .generate(), enabled: self.enabled ?? true,
            disabledReason: nil, failingSince: nil, createdAt: now, updatedAt: now
        )
    }

    /// The endpoint with the changes; turning it on again clears why it was off and its failure run.
    func applied(to stored: WebhookEndpoint, at now: Date) throws -> WebhookEndpoint {
        try self.check()
        var endpoint = stored
        endpoint.url = self.url ?? stored.url
        endpoint.events = self.events ?? stored.events
        endpoint.description = self.description.applied(to: stored.description)
        if let enabled = self.enabled {
            endpoint.enabled = enabled
            if enabled && !stored.enabled {
                endpoint.disabledReason = nil
                endpoint.failingSince = nil
            }
            if !enabled && stored.enabled { endpoint.disabledReason = "Disabled by its owner." }
        }
        if endpoint != stored { endpoint.updatedAt = now }
        return endpoint
    }
}
