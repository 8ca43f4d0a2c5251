import Foundation
import Hummingbird

/// Settings → Public site: what the agent's site at `/a/{agentId}` shows of them (name, headline, about, email,
/// phone, photo) and the guide visitors download, and how many bot submissions it has caught. One form, sent
/// as multipart so the photo and the guide ride along; everything goes through `PublicProfileOperations`.
struct PublicSiteSettingsPages {
    let database: LeadlightDatabase
    let clock: WallClock
    let pages: DashboardPages

    var profiles: PublicProfileOperations { PublicProfileOperations(database: self.database, clock: self.clock) }

    func addRoutes(to group: RouterGroup<APIContext>) {
        group.get("settings/public-site", use: self.show)
        group.post("settings/public-site", use: self.update)
        group.post("settings/public-site/photo/remove", use: self.removePhoto)
        group.post("settings/public-site/guide/remove", use: self.removeGuide)
    }

    /// An uploaded file as the dashboard describes it (also a listing's photo, on the listing's page).
    struct FileView: Sendable {
        var fileName: String
        var size: String
        var uploaded: String
        var href: String

        init?(_ info: PublicFileInfo?, href: String, zone: TimeZone) {
            guard let info else { return nil }
            self.fileName = info.fileName
            self.size = ByteCountFormatter.string(fromByteCount: Int64(info.size), countStyle: .file)
            self.uploaded = DashboardFormat.when(info.uploadedAt, in: zone)
            self.href = href
        }
    }

    struct PublicSitePage: Sendable {
        var layout: DashboardLayout
        var tabs: [DashboardLayout.Link]
        var sitePath: String
        var fields: [FormField]
        var photoField: FormField
        var guideFields: [FormField]
        var errors: [String]
        var photo: FileView?
        var guide: FileView?
        var botsCaught: Int
        var notice: String?
    }

    static let fieldNames: Set<String> = [
        "displayName", "headline", "about", "email", "phone", "guideTitle", "photo", "guide",
    ]

    func show(_ request: Request, context: APIContext) async throws -> Response {
        let notice: String? =
            switch request.uri.queryParameters.get("done") {
            case "saved": "Saved: the public site shows it now."
            case "photo-removed": "The photo is no longer shown."
            case "guide-removed": "The guide is no longer offered."
            default: nil
            }
        return try await self.render(context: context, notice: notice)
    }

    private func render(
        context: APIContext, form: DashboardForm? = nil, errors: FormErrors = FormErrors(), notice: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let signedIn = try context.signedIn
        let workspace = signedIn.workspace
        let profile = try await self.profiles.profile(of: workspace.id)
        let sitePath = "/a/\(workspace.agentID.rawValue)"
        func value(_ name: String, _ stored: String?) -> String { form?[name] ?? stored ?? "" }
        func view(_ info: PublicFileInfo?, href: String) -> FileView? {
            FileView(info, href: href, zone: workspace.zone)
        }
        let model = PublicSitePage(
            layout: signedIn.layout(.settings), tabs: APISettingsPages.tabs("public-site"), sitePath: sitePath,
            fields: [
                FormField(
                    name: "displayName", label: "Name shown", value: value("displayName", profile.displayName),
                    error: errors["displayName"], hint: "The workspace's name (\(workspace.name)) when left empty"),
                FormField(
                    name: "headline", label: "Headline", value: value("headline", profile.headline),
                    error: errors["headline"], hint: "One line under your name, like “Homes in Harbour Town since 2009”"
                ),
                FormField(
                    name: "about", label: "About you", value: value("about", profile.about), type: "textarea",
                    error: errors["about"]),
                FormField(
                    name: "email", label: "Email shown", value: value("email", profile.email), type: "email",
                    error: errors["email"]),
                FormField(
                    name: "phone", label: "Phone shown", value: value("phone", profile.phone?.text), type: "tel",
                    error: errors["phone"]),
            ],
            photoField: FormField(
                name: "photo", label: "New photo", value: "", type: "file", error: errors["photo"],
                hint: "A JPEG, PNG or WebP image of at most 2 MB"),
            guideFields: [
                FormField(
                    name: "guideTitle", label: "Guide title", value: value("guideTitle", profile.guideTitle),
                    error: errors["guideTitle"], hint: "Like “The first-time buyer's guide”"),
                FormField(
                    name: "guide", label: "New guide", value: "", type: "file", error: errors["guide"],
                    hint: "A PDF of at most 8 MB, kept in the database"),
            ],
            errors: errors.general,
            photo: view(try await self.profiles.fileInfo(.photo, of: workspace.id), href: "\(sitePath)/photo"),
            guide: view(try await self.profiles.fileInfo(.guide, of: workspace.id), href: "\(sitePath)/guide"),
            botsCaught: profile.botsCaught, notice: notice)
        return self.pages.render("settings-public-site", model, status: status)
    }

    func update(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let form = try await DashboardForm(request: request, context: context)
        let changes = PublicProfileChanges(
            displayName: form["displayName"] ?? "", headline: form["headline"] ?? "", about: form["about"] ?? "",
            email: form["email"] ?? "", phone: form["phone"] ?? "", guideTitle: form["guideTitle"] ?? "")
        do {
            _ = try await self.profiles.update(
                changes, photo: form.files["photo"].map { ($0.fileName, $0.content) },
                guide: form.files["guide"].map { ($0.fileName, $0.content) }, in: signedIn.workspaceID)
            return DashboardPages.redirect(to: "/settings/public-site?done=saved")
        } catch let failure as ValidationFailure {
            return try await self.render(
                context: context, form: form, errors: FormErrors(failure, fields: Self.fieldNames),
                status: .unprocessableContent)
        }
    }

    func removePhoto(_ request: Request, context: APIContext) async throws -> Response {
        try await self.profiles.remove(.photo, in: try context.signedIn.workspaceID)
        return DashboardPages.redirect(to: "/settings/public-site?done=photo-removed")
    }

    func removeGuide(_ request: Request, context: APIContext) async throws -> Response {
        try await self.profiles.remove(.guide, in: try context.signedIn.workspaceID)
        return DashboardPages.redirect(to: "/settings/public-site?done=guide-removed")
    }
}
