import Foundation
import Hummingbird

/// Settings → Workspace: the workspace's name, currency and time zone (its agentId shown, fixed), and the owner's
/// password. Both go through `WorkspaceOperations`, as `PATCH /api/v1/workspace` does.
struct WorkspaceSettingsPages {
    let database: LeadlightDatabase
    let clock: WallClock
    let pages: DashboardPages
    let hasher: PasswordHasher

    var workspaces: WorkspaceOperations { WorkspaceOperations(database: self.database, clock: self.clock) }

    func addRoutes(to group: RouterGroup<APIContext>) {
        group.get("settings", use: self.show)
        group.post("settings", use: self.update)
        group.post("settings/password", use: self.changePassword)
    }

    struct SettingsPage: Sendable {
        var layout: DashboardLayout
        var tabs: [DashboardLayout.Link]
        var agentId: String
        var publicPath: String
        var fields: [FormField]
        var errors: [String]
        var passwordFields: [FormField]
        var passwordErrors: [String]
        var notice: String?
    }

    static let fieldNames: Set<String> = ["name", "currency", "timeZone"]
    static let passwordFieldNames: Set<String> = ["currentPassword", "newPassword", "repeatPassword"]

    func show(_ request: Request, context: APIContext) async throws -> Response {
        let notice: String? =
            switch request.uri.queryParameters.get("done") {
            case "saved": "Saved."
            case "password": "Password changed. Other browsers signed in with this login were signed out."
            default: nil
            }
        return try await self.render(context: context, notice: notice)
    }

    private func render(
        context: APIContext, form: DashboardForm? = nil, errors: FormErrors = FormErrors(),
        passwordErrors: FormErrors = FormErrors(), notice: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let signedIn = try context.signedIn
        let workspace = signedIn.workspace
        func value(_ name: String, _ stored: String) -> String { form?[name] ?? stored }
        let zone = value("timeZone", workspace.timeZone)
        let zones = TimeZone.knownTimeZoneIdentifiers.sorted()
        let model = SettingsPage(
            layout: signedIn.layout(.settings), tabs: APISettingsPages.tabs("workspace"),
            agentId: workspace.agentID.rawValue, publicPath: "/a/\(workspace.agentID.rawValue)",
            fields: [
                FormField(
                    name: "name", label: "Name", value: value("name", workspace.name), error: errors["name"],
                    required: true),
                FormField(
                    name: "currency", label: "Currency", value: value("currency", workspace.currency.rawValue),
                    error: errors["currency"], required: true,
                    hint: "A three-letter code, like USD: new offerings and listings are priced in it"),
                .select(
                    "timeZone", "Time zone", (zones.contains(zone) ? zones : [zone] + zones).map { ($0, $0) },
                    value: zone, error: errors["timeZone"]),
            ],
            errors: errors.general,
            passwordFields: [
                FormField(
                    name: "currentPassword", label: "Current password", value: "", type: "password",
                    error: passwordErrors["currentPassword"], required: true),
                FormField(
                    name: "newPassword", label: "New password", value: "", type: "password",
                    error: passwordErrors["newPassword"], required: true,
                    hint: "At least \(PasswordHasher.minimumLength) characters"),
                FormField(
                    name: "repeatPassword", label: "New password again", value: "", type: "password",
                    error: passwordErrors["repeatPassword"], required: true),
            ],
            passwordErrors: passwordErrors.general, notice: notice)
        return self.pages.render("settings", model, status: status)
    }

    func update(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let form = try await DashboardForm(request: request, context: context)
        do {
            let body = try form.changes(
                WorkspacesAPI.UpdateWorkspace.self,
                [("name", .requiredText), ("currency", .requiredText), ("timeZone", .requiredText)])
            _ = try await self.workspaces.update(signedIn.workspaceID, with: body)
            return DashboardPages.redirect(to: "/settings?done=saved")
        } catch let failure as ValidationFailure {
            return try await self.render(
                context: context, form: form, errors: FormErrors(failure, fields: Self.fieldNames),
                status: .unprocessableContent)
        }
    }

    func changePassword(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let form = try await DashboardForm(request: request, context: context)
        let new = form["newPassword"] ?? ""
        do {
            guard new == form["repeatPassword"] ?? "" else {
                throw ValidationFailure(field: "repeatPassword", message: "is not the same as the new password")
            }
            try await self.workspaces.changePassword(
                of: signedIn.session.userID, current: form["currentPassword"] ?? "", new: new,
                keeping: signedIn.session, hasher: self.hasher)
            return DashboardPages.redirect(to: "/settings?done=password")
        } catch let failure as ValidationFailure {
            return try await self.render(
                context: context, passwordErrors: FormErrors(failure, fields: Self.passwordFieldNames),
                status: .unprocessableContent)
        }
    }
}
