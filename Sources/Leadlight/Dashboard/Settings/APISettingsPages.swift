import Foundation
import Hummingbird

/// Settings → API: the workspace's API keys (create with an optional expiry, the key shown once; revoke after a
/// confirmation) and its webhook endpoints (add, enable or disable, rotate the secret, send a test event, the
/// delivery log with redelivery). Keys go through `APIKeyOperations` and endpoints through `WebhookEndpoints`,
/// exactly as the API's and the CLI's do.
struct APISettingsPages {
    let database: LeadlightDatabase
    let clock: WallClock
    let pages: DashboardPages
    let policy: WebhookTargetPolicy

    var keys: APIKeyOperations { APIKeyOperations(database: self.database, clock: self.clock) }
    var endpoints: WebhookEndpoints {
        WebhookEndpoints(database: self.database, clock: self.clock, policy: self.policy)
    }

    func addRoutes(to group: RouterGroup<APIContext>) {
        group.get("settings/api", use: self.overview)
        group.post("settings/api/keys", use: self.createKey)
        // where the forms post to, typed or reloaded as an address: the page they are on
        group.get("settings/api/keys") { _, _ in DashboardPages.redirect(to: "/settings/api") }
        group.get("settings/api/webhooks") { _, _ in DashboardPages.redirect(to: "/settings/api") }
        group.get("settings/api/keys/{id}/revoke", use: self.confirmRevoke)
        group.post("settings/api/keys/{id}/revoke", use: self.revokeKey)
        group.post("settings/api/webhooks", use: self.createEndpoint)
        group.get("settings/api/webhooks/{id}", use: self.endpoint)
        group.post("settings/api/webhooks/{id}/enabled", use: self.setEnabled)
        group.post("settings/api/webhooks/{id}/secret", use: self.rotateSecret)
        group.post("settings/api/webhooks/{id}/test", use: self.sendTest)
        group.post("settings/api/webhooks/{id}/deliveries/{delivery}/redeliver", use: self.redeliver)
        group.post("settings/api/webhooks/{id}/delete", use: self.deleteEndpoint)
    }

    // MARK: the page

    struct OverviewPage: Sendable {
        struct Key: Sendable {
            var id: String
            var name: String
            var prefix: String
            var status: String
            var created: String
            var lastUsed: String
            var expires: String
            var active: Bool
        }
        struct Endpoint: Sendable {
            var id: String
            var url: String
            var events: String
            var enabled: Bool
            var disabledReason: String?
        }
        struct EventChoice: Sendable {
            var name: String
            var checked: Bool
        }

        var layout: DashboardLayout
        var tabs: [DashboardLayout.Link]
        var keys: [Key]
        var newKey: String?
        var newKeyName: String?
        var keyFields: [FormField]
        var keyErrors: [String]
        var notice: String?
        var endpoints: [Endpoint]
        var endpointFields: [FormField]
        var endpointErrors: [String]
        var eventsError: String?
        var allEvents: Bool
        var eventChoices: [EventChoice]
    }

    static func tabs(_ current: String) -> [DashboardLayout.Link] {
        [
            .init(text: "Workspace", href: "/settings", current: current == "workspace"),
            .init(text: "Public site", href: "/settings/public-site", current: current == "public-site"),
            .init(text: "Email import", href: "/settings/email-import", current: current == "email-import"),
            .init(text: "Integrations", href: "/settings/integrations", current: current == "integrations"),
            .init(text: "API", href: "/settings/api", current: current == "api"),
        ]
    }

    func overview(_ request: Request, context: APIContext) async throws -> Response {
        let notice: String? =
            switch request.uri.queryParameters.get("done") {
            case "revoked": "The key was revoked: requests with it now answer 401."
            case "deleted": "The endpoint was deleted, with its pending deliveries and its log."
            default: nil
            }
        return try await self.render(context: context, notice: notice)
    }

    private func render(
        context: APIContext, newKey: (APIKey, APIKeySecret)? = nil, keyForm: DashboardForm? = nil,
        keyErrors: FormErrors = FormErrors(), endpointForm: DashboardForm? = nil,
        endpointErrors: FormErrors = FormErrors(), notice: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let signedIn = try context.signedIn
        let zone = signedIn.workspace.zone
        let now = self.clock.now
        let keys = try await APIKeyStore(database: self.database.sql).list(in: signedIn.workspaceID)
        let endpoints = try await self.endpoints.list(in: signedIn.workspaceID)
        let ticked = Set(endpointForm?.all("events") ?? [])
        let model = OverviewPage(
            layout: signedIn.layout(.settings), tabs: Self.tabs("api"),
            keys: keys.map { key in
                .init(
                    id: key.id.rawValue, name: key.name, prefix: key.prefix, status: key.status(at: now),
                    created: DashboardFormat.when(key.createdAt, in: zone),
                    lastUsed: key.lastUsedAt.map { DashboardFormat.when($0, in: zone) } ?? "never",
                    expires: key.expiresAt.map { DashboardFormat.when($0, in: zone) } ?? "never",
                    active: key.status(at: now) == "active")
            },
            newKey: newKey?.1.value, newKeyName: newKey?.0.name,
            keyFields: [
                FormField(
                    name: "name", label: "Name", value: keyForm?["name"] ?? "", error: keyErrors["name"],
                    hint: "To tell keys apart, like Nightly sync"),
                FormField(
                    name: "expiresOn", label: "Expires on (optional)", value: keyForm?["expiresOn"] ?? "", type: "date",
                    error: keyErrors["expiresAt"], hint: "The key stops working at the end of this day"),
            ],
            keyErrors: keyErrors.general, notice: notice,
            endpoints: endpoints.map { endpoint in
                .init(
                    id: endpoint.id.rawValue, url: endpoint.url, events: Self.describe(endpoint.events),
                    enabled: endpoint.enabled, disabledReason: endpoint.disabledReason)
            },
            endpointFields: [
                FormField(
                    name: "url", label: "URL", value: endpointForm?["url"] ?? "", type: "url",
                    error: endpointErrors["url"],
                    required: true, hint: "Where events are POSTed, like https://hooks.zapier.com/…"),
                FormField(
                    name: "description", label: "Description (optional)", value: endpointForm?["description"] ?? "",
                    error: endpointErrors["description"]),
            ],
            endpointErrors: endpointErrors.general, eventsError: endpointErrors["events"],
            allEvents: endpointForm == nil || ticked.contains("*"),
            eventChoices: EventType.catalogue.map { .init(name: $0.rawValue, checked: ticked.contains($0.rawValue)) })
        return self.pages.render("settings-api", model, status: status)
    }

    static func describe(_ events: WebhookEventSelection) -> String {
        events == .all ? "All events" : events.names.joined(separator: ", ")
    }

    // MARK: keys

    /// The new key is shown on the answer to this POST, once: it is not stored anywhere it could be shown again.
    func createKey(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let form = try await DashboardForm(request: request, context: context)
        do {
            var expiresAt: Date?
            let day = TextRules.trimmed(form["expiresOn"] ?? "")
            if !day.isEmpty {
                // the end of the day typed, in the workspace's time zone
                guard let start = DashboardFormat.localTime("\(day)T00:00", in: signedIn.workspace.zone) else {
                    throw ValidationFailure(field: "expiresAt", message: "must be a date, like 2027-06-30")
                }
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = signedIn.workspace.zone
                expiresAt = calendar.date(byAdding: .day, value: 1, to: start)
            }
            let created = try await self.keys.create(
                named: form["name"], expiresAt: expiresAt, in: signedIn.workspaceID)
            return try await self.render(context: context, newKey: created, status: .created)
        } catch let failure as ValidationFailure {
            return try await self.render(
                context: context, keyForm: form, keyErrors: FormErrors(failure, fields: ["name", "expiresAt"]),
                status: .unprocessableContent)
        }
    }

    struct ConfirmRevokePage: Sendable {
        var layout: DashboardLayout
        var id: String
        var name: String
        var prefix: String
        var lastUsed: String
    }

    func confirmRevoke(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: APIKey.ID.self)
        guard let key = try await APIKeyStore(database: self.database.sql).find(id, in: signedIn.workspaceID) else {
            throw NotFound("API key")
        }
        let model = ConfirmRevokePage(
            layout: signedIn.layout(.settings), id: key.id.rawValue, name: key.name, prefix: key.prefix,
            lastUsed: key.lastUsedAt.map { DashboardFormat.when($0, in: signedIn.workspace.zone) } ?? "never")
        return self.pages.render("settings-api-revoke", model)
    }

    func revokeKey(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: APIKey.ID.self)
        _ = try await self.keys.revoke(id, in: signedIn.workspaceID)
        return DashboardPages.redirect(to: "/settings/api?done=revoked")
    }

    // MARK: webhook endpoints

    /// The form as the API's body: the URL, the description and the ticked events (`*` for all).
    static func endpointChanges(_ form: DashboardForm, enabled: Bool? = nil) throws -> WebhookEndpointChanges {
        let ticked = form.all("events")
        let events = ticked.contains("*") ? ["*"] : ticked
        var adding: [String: any Sendable] = ["events": events]
        if let enabled { adding["enabled"] = enabled }
        return try form.changes(
            WebhookEndpointChanges.self, [("url", .requiredText), ("description", .text)], adding: adding)
    }

    func createEndpoint(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let form = try await DashboardForm(request: request, context: context)
        do {
            let endpoint = try await self.endpoints.register(try Self.endpointChanges(form), in: signedIn.workspaceID)
            return try await self.endpointPage(endpoint.id, context: context, secret: endpoint.secret, status: .created)
        } catch let failure as ValidationFailure {
            return try await self.render(
                context: context, endpointForm: form,
                endpointErrors: FormErrors(failure, fields: ["url", "description", "events"]),
                status: .unprocessableContent)
        }
    }

    struct EndpointPage: Sendable {
        struct Delivery: Sendable {
            var id: String
            var event: String
            var state: String
            var attempts: Int
            var status: String
            var latency: String
            var nextRetry: String
            var excerpt: String?
            var error: String?
            var created: String
        }

        var layout: DashboardLayout
        var id: String
        /// The same id, named apart from a delivery's own inside the log.
        var endpointId: String
        var url: String
        var description: String?
        var events: String
        var enabled: Bool
        var disabledReason: String?
        var failingSince: String?
        var secret: String?
        var notice: String?
        var deliveries: [Delivery]
        var paging: ListPaging.Position
    }

    static let deliveriesPerPage = 25

    func endpoint(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: WebhookEndpoint.ID.self)
        let parameters = request.uri.queryParameters
        let notice: String? =
            switch parameters.get("done") {
            case "test": "A test event is on its way: it shows below as soon as it is tried."
            case "redelivered": "The event is queued again, as a new delivery."
            case "enabled": "Enabled: new events are delivered again."
            case "disabled": "Disabled: no event is delivered until it is enabled again."
            default: nil
            }
        return try await self.endpointPage(
            id, context: context, notice: notice,
            paging: ListPaging(parameters.get("page"), size: Self.deliveriesPerPage))
    }

    private func endpointPage(
        _ id: WebhookEndpoint.ID, context: APIContext, secret: WebhookSecret? = nil, notice: String? = nil,
        paging: ListPaging = ListPaging(nil, size: Self.deliveriesPerPage), status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let signedIn = try context.signedIn
        let zone = signedIn.workspace.zone
        let endpoint = try await self.endpoints.find(id, in: signedIn.workspaceID)
        var query = try WebhookDeliveryQuery(validating: [:])
        (query.limit, query.offset) = (paging.limit, paging.offset)
        let log = try await self.endpoints.deliveries(of: endpoint.id, in: signedIn.workspaceID, query: query)
        let link = DashboardFormat.pageLink("/settings/api/webhooks/\(endpoint.id.rawValue)", [])
        let model = EndpointPage(
            layout: signedIn.layout(.settings), id: endpoint.id.rawValue, endpointId: endpoint.id.rawValue,
            url: endpoint.url,
            description: endpoint.description, events: Self.describe(endpoint.events), enabled: endpoint.enabled,
            disabledReason: endpoint.disabledReason,
            failingSince: endpoint.failingSince.map { DashboardFormat.when($0, in: zone) }, secret: secret?.value,
            notice: notice,
            deliveries: log.deliveries.map { delivery in
                let last = delivery.attemptLog.last
                return .init(
                    id: delivery.id.rawValue, event: delivery.event, state: delivery.state.rawValue,
                    attempts: delivery.attempts,
                    status: last.map { $0.statusCode.map(String.init) ?? "no answer" } ?? "not tried yet",
                    latency: last.map { "\($0.latencyMs) ms" } ?? "–",
                    nextRetry: delivery.nextAttemptAt.map { DashboardFormat.when($0, in: zone) } ?? "–",
                    excerpt: last?.responseExcerpt.map { String($0.prefix(200)) }, error: last?.error,
                    created: DashboardFormat.when(delivery.createdAt, in: zone))
            },
            paging: paging.position(shown: log.deliveries.count, of: log.total, link: link))
        return self.pages.render("settings-webhook", model, status: status)
    }

    func setEnabled(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: WebhookEndpoint.ID.self)
        let form = try await DashboardForm(request: request, context: context)
        let enabled = form["enabled"] == "true"
        let changes = try form.changes(WebhookEndpointChanges.self, [], adding: ["enabled": enabled])
        _ = try await self.endpoints.update(id, with: changes, in: signedIn.workspaceID)
        return DashboardPages.redirect(
            to: "/settings/api/webhooks/\(id.rawValue)?done=\(enabled ? "enabled" : "disabled")")
    }

    /// The new secret is shown on the answer to this POST, once.
    func rotateSecret(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: WebhookEndpoint.ID.self)
        let rotated = try await self.endpoints.rotateSecret(id, in: signedIn.workspaceID)
        return try await self.endpointPage(id, context: context, secret: rotated.secret)
    }

    func sendTest(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: WebhookEndpoint.ID.self)
        _ = try await self.endpoints.sendTest(id, in: signedIn.workspaceID)
        return DashboardPages.redirect(to: "/settings/api/webhooks/\(id.rawValue)?done=test")
    }

    func redeliver(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: WebhookEndpoint.ID.self)
        let delivery = try context.parameters.require("delivery", as: WebhookDelivery.ID.self)
        _ = try await self.endpoints.redeliver(delivery, of: id, in: signedIn.workspaceID)
        return DashboardPages.redirect(to: "/settings/api/webhooks/\(id.rawValue)?done=redelivered")
    }

    func deleteEndpoint(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: WebhookEndpoint.ID.self)
        let form = try await DashboardForm(request: request, context: context)
        guard form["confirm"] != nil else {
            throw ValidationFailure(field: "confirm", message: "tick the box to delete the endpoint for good")
        }
        try await self.endpoints.delete(id, in: signedIn.workspaceID)
        return DashboardPages.redirect(to: "/settings/api?done=deleted")
    }
}
