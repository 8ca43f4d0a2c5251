import Foundation
import Hummingbird

/// Settings → Integrations → HubSpot: paste a private app's token and Connect (HubSpot checks it at once: a token it
/// refuses or one without the products scope is said plainly and nothing is kept), Sync now, the last sync's time,
/// counts and problem, and Disconnect. While connected, `HubSpotSyncService` syncs on its schedule.
struct IntegrationSettingsPages {
    let hubspot: HubSpotConnectionOperations
    let wakeups: HubSpotSyncWakeups
    let pages: DashboardPages

    var database: LeadlightDatabase { self.hubspot.database }

    func addRoutes(to group: RouterGroup<APIContext>) {
        group.get("settings/integrations", use: self.show)
        group.post("settings/integrations/hubspot/connect", use: self.connect)
        group.post("settings/integrations/hubspot/sync", use: self.syncNow)
        group.post("settings/integrations/hubspot/disconnect", use: self.disconnect)
    }

    /// A HubSpot sync as the page shows it: its import, linked to the import's own page.
    struct SyncShown: Sendable {
        var when: String
        var what: String
        var href: String
        var status: String
        var summary: ImportSummary
        var message: String?
        var hasFailures: Bool
    }

    struct Connected: Sendable {
        var tokenEnding: String
        var connectedAt: String
        var connectedBy: String
        var syncing: Bool
        /// A sync is under way or about to start: the page reads itself again until it ends.
        var waiting: Bool
        var running: SyncShown?
        var schedule: String
        var nextSync: String?
        var lastSyncAt: String?
        var nothingChanged: Bool
        var lastError: String?
        var last: SyncShown?
    }

    struct IntegrationsPage: Sendable {
        var layout: DashboardLayout
        var tabs: [DashboardLayout.Link]
        var notice: String?
        var problem: String?
        var connected: Connected?
    }

    func show(_ request: Request, context: APIContext) async throws -> Response {
        let notice: String? =
            switch request.uri.queryParameters.get("done") {
            case "connected": "HubSpot is connected. Its products are being brought in now."
            case "asked": "A sync of every product has started."
            case "busy": "A sync is under way already: its results show here when it ends."
            case "disconnected": "HubSpot is disconnected: its token is forgotten. The offerings it brought stay."
            case "not-connected": "HubSpot is not connected."
            default: nil
            }
        return try await self.render(context: context, notice: notice)
    }

    private func render(
        context: APIContext, notice: String? = nil, problem: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let signedIn = try context.signedIn
        let zone = signedIn.workspace.zone
        let imports = ImportStore(database: self.database.sql)
        var connected: Connected?
        if let connection = try await self.hubspot.connection(of: signedIn.workspaceID) {
            let now = self.hubspot.clock.now
            let syncing = connection.isSyncing(at: now)
            func shown(_ id: ImportRecord.ID?) async throws -> SyncShown? {
                guard let id, let record = try await imports.find(id, in: signedIn.workspaceID) else { return nil }
                return SyncShown(
                    when: DashboardFormat.when(record.startedAt, in: zone),
                    what: record.fileName == HubSpotImportOperations.everyProductName
                        ? "every product" : "the products changed",
                    href: "/imports/\(record.id.rawValue)", status: record.status.rawValue, summary: record.summary,
                    message: record.message, hasFailures: record.summary.failed > 0)
            }
            connected = Connected(
                tokenEnding: connection.tokenEnding,
                connectedAt: DashboardFormat.when(connection.connectedAt, in: zone),
                connectedBy: connection.connectedBy, syncing: syncing,
                waiting: syncing || connection.nextSyncAt.map { $0 <= now } ?? false,
                running: syncing ? try await shown(connection.syncImportID) : nil,
                schedule: Self.schedule(self.hubspot.configuration),
                nextSync: connection.nextSyncAt.flatMap { $0 > now ? DashboardFormat.when($0, in: zone) : nil },
                lastSyncAt: connection.lastSyncAt.map { DashboardFormat.when($0, in: zone) },
                nothingChanged: connection.lastSyncAt != nil && connection.lastError == nil
                    && connection.lastSyncProducts == 0,
                lastError: connection.lastError, last: try await shown(connection.lastImportID))
        }
        let model = IntegrationsPage(
            layout: signedIn.layout(.settings), tabs: APISettingsPages.tabs("integrations"), notice: notice,
            problem: problem, connected: connected)
        return self.pages.render("settings-integrations", model, status: status)
    }

    static func schedule(_ configuration: HubSpotConfiguration) -> String {
        guard let interval = configuration.syncInterval else {
            return "Synced when you press Sync now (the server's LEADLIGHT_HUBSPOT_SYNC_MINUTES is 0)."
        }
        let minutes = Int((Double(interval / .milliseconds(1)) / 60_000).rounded())
        let every = minutes <= 1 ? "every minute" : "every \(minutes) minutes"
        return "Synced \(every): the products changed since the sync before, and every product once a day."
    }

    func connect(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let form = try await DashboardForm(request: request, context: context)
        let owner = try await UserStore(database: self.database.sql).find(signedIn.session.userID)
        do {
            try await self.hubspot.connect(
                form["token"] ?? "", to: signedIn.workspaceID, by: owner?.email ?? "the dashboard")
        } catch let problem as HubSpotConnectionOperations.Problem {
            return try await self.render(
                context: context, problem: problem.description, status: .unprocessableContent)
        }
        self.wakeups.wake()
        return DashboardPages.redirect(to: "/settings/integrations?done=connected")
    }

    func syncNow(_ request: Request, context: APIContext) async throws -> Response {
        let workspace = try context.signedIn.workspaceID
        guard try await self.hubspot.connection(of: workspace) != nil else {
            return DashboardPages.redirect(to: "/settings/integrations?done=not-connected")
        }
        guard try await self.hubspot.askForSync(of: workspace) else {
            return DashboardPages.redirect(to: "/settings/integrations?done=busy")
        }
        self.wakeups.wake()
        return DashboardPages.redirect(to: "/settings/integrations?done=asked")
    }

    func disconnect(_ request: Request, context: APIContext) async throws -> Response {
        let workspace = try context.signedIn.workspaceID
        let done = try await self.hubspot.disconnect(workspace) ? "disconnected" : "not-connected"
        return DashboardPages.redirect(to: "/settings/integrations?done=\(done)")
    }
}
