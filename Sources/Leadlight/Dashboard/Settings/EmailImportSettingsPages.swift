import Foundation
import Hummingbird

/// Settings → Email import: the workspace's inbound address, to point an email service at (docs/EMAIL-IMPORT.md),
/// a button that replaces it, and the emails received last, each with the lead it made or why it was skipped.
/// Also the page that shows a lead's original email.
struct EmailImportSettingsPages {
    let database: LeadlightDatabase
    let clock: WallClock
    let pages: DashboardPages
    /// The server's public address (`LEADLIGHT_PUBLIC_URL`), which the inbound address starts with.
    let baseURL: String?

    var imports: EmailImportOperations { EmailImportOperations(database: self.database, clock: self.clock) }

    func addRoutes(to group: RouterGroup<APIContext>) {
        group.get("settings/email-import", use: self.show)
        group.post("settings/email-import/new-address", use: self.replaceAddress)
        group.get("leads/{id}/email", use: self.original)
    }

    struct Received: Sendable {
        var when: String
        var from: String
        var subject: String
        var format: String
        var created: Bool
        var leadHref: String?
        var reason: String?
    }

    struct EmailImportPage: Sendable {
        var layout: DashboardLayout
        var tabs: [DashboardLayout.Link]
        var address: String
        var received: [Received]
        var hasReceived: Bool
        var notice: String?
    }

    func show(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let workspace = signedIn.workspace
        let token = try await self.imports.addressToken(of: workspace.id)
        let received = try await self.imports.latest(25, in: workspace.id).map { record in
            Received(
                when: DashboardFormat.when(record.receivedAt, in: workspace.zone), from: record.fromAddress ?? "—",
                subject: record.subject.isEmpty ? "(no subject)" : record.subject, format: record.format.title,
                created: record.outcome == .created, leadHref: record.leadID.map { "/leads/\($0.rawValue)" },
                reason: record.reason)
        }
        let notice: String? =
            request.uri.queryParameters.get("done") == "replaced"
            ? "A new inbound address was made: the old one no longer takes email. Update your email service." : nil
        let model = EmailImportPage(
            layout: signedIn.layout(.settings), tabs: APISettingsPages.tabs("email-import"),
            address: "\(self.baseURL ?? Self.origin(of: request))/inbound/email/\(token)", received: received,
            hasReceived: !received.isEmpty, notice: notice)
        return self.pages.render("settings-email-import", model)
    }

    /// The scheme and host the browser used, when no public address is configured.
    static func origin(of request: Request) -> String {
        let host = request.head.authority ?? "localhost"
        let scheme = request.headers.first { $0.name.canonicalName == "x-forwarded-proto" }?.value ?? "http"
        return "\(scheme)://\(host)"
    }

    func replaceAddress(_ request: Request, context: APIContext) async throws -> Response {
        _ = try await self.imports.replaceAddress(of: try context.signedIn.workspaceID)
        return DashboardPages.redirect(to: "/settings/email-import?done=replaced")
    }

    struct OriginalPage: Sendable {
        struct Header: Sendable {
            var name: String
            var value: String
        }

        var layout: DashboardLayout
        var leadName: String
        var leadHref: String
        var received: String
        var format: String
        var headers: [Header]
        var text: String
        var unreadable: Bool
    }

    /// The email a lead was made from: its sender, subject and date, and its text as the reader saw it.
    func original(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = Lead.ID(rawValue: context.parameters.get("id") ?? "")
        guard let lead = try await LeadStore(database: self.database.sql).find(id, in: signedIn.workspaceID),
            let original = try await self.imports.original(of: lead.id, in: signedIn.workspaceID)
        else { throw NotFound("email") }
        let shown = ["From", "Reply-To", "To", "Subject", "Date", "Message-ID"]
        let headers = shown.compactMap { name in
            original.message?.headers.decoded(name).map { OriginalPage.Header(name: name, value: $0) }
        }
        let model = OriginalPage(
            layout: signedIn.layout(.leads), leadName: lead.name, leadHref: "/leads/\(lead.id.rawValue)",
            received: DashboardFormat.when(original.record.receivedAt, in: signedIn.workspace.zone),
            format: original.record.format.title,
            headers: headers.isEmpty
                ? [
                    .init(name: "From", value: original.record.fromAddress ?? "—"),
                    .init(name: "Subject", value: original.record.subject),
                ] : headers,
            text: original.message?.text ?? "", unreadable: original.message == nil)
        return self.pages.render("lead-email", model)
    }
}
