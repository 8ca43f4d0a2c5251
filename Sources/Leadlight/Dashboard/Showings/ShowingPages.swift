import Foundation
import Hummingbird
import SQLKit

/// The dashboard's showings: every request to see a listing, newest first, with the client and the listing by
/// name, a status filter and the next steps (confirm, complete, cancel) as buttons. Changes go through
/// `ShowingOperations`, as the API's do. Booking one is on the client's page (`ClientPages.book`).
struct ShowingPages {
    let database: LeadlightDatabase
    let clock: WallClock
    let pages: DashboardPages

    func addRoutes(to group: RouterGroup<APIContext>) {
        group.get("showings", use: self.list)
        group.post("showings/{id}/status", use: self.changeStatus)
    }

    /// A showing as a list shows it: who, where, when, and what can happen to it next.
    struct Row: Sendable {
        struct Step: Sendable {
            var status: String
            var label: String
        }

        var id: String
        var clientName: String
        var clientHref: String
        var address: String
        var listingHref: String
        var when: String
        var status: String
        var notes: String?
        var steps: [Step]
    }

    /// Which showings a list shows.
    struct Filter: Sendable {
        var clientID: Client.ID?
        var listingID: Listing.ID?
        var status: ShowingStatus?
        var archived = false
        var limit = 50
        var offset = 0
    }

    /// The next steps from a status: a request is confirmed or cancelled, a confirmed showing completed or
    /// cancelled; a completed or cancelled one is done.
    static func steps(from status: ShowingStatus) -> [Row.Step] {
        switch status {
        case .requested: [.init(status: "confirmed", label: "Confirm"), .init(status: "cancelled", label: "Cancel")]
        case .confirmed: [.init(status: "completed", label: "Complete"), .init(status: "cancelled", label: "Cancel")]
        case .completed, .cancelled: []
        }
    }

    /// One page of showings with their client's name and their listing's address (one statement for the page,
    /// one for the count), and how many match in all.
    static func rows(_ filter: Filter, in workspace: Workspace, database: any SQLDatabase) async throws -> (
        rows: [Row], total: Int
    ) {
        var condition: SQLQueryString = "s.workspace_id = \(bind: workspace.id.rawValue)"
        condition = condition + (filter.archived ? " AND s.archived_at IS NOT NULL" : " AND s.archived_at IS NULL")
        if let client = filter.clientID { condition = condition + " AND s.client_id = \(bind: client.rawValue)" }
        if let listing = filter.listingID { condition = condition + " AND s.listing_id = \(bind: listing.rawValue)" }
        if let status = filter.status { condition = condition + " AND s.status = \(bind: status.rawValue)" }
        let page: SQLQueryString =
            "SELECT s.id, s.client_id, s.listing_id, s.preferred_time, s.notes, s.status, c.name AS client_name,"
            + " l.address AS address FROM showings s JOIN clients c ON c.id = s.client_id"
            + " JOIN listings l ON l.id = s.listing_id WHERE " + condition
            + " ORDER BY s.created_at DESC, s.id DESC LIMIT \(bind: filter.limit) OFFSET \(bind: filter.offset)"
        let zone = workspace.zone
        let rows = try await database.raw(page).all().map { row in
            let status = try row.decode(rawValueOf: "status", as: ShowingStatus.self)
            let client = try row.decode(column: "client_id", as: String.self)
            let listing = try row.decode(column: "listing_id", as: String.self)
            return Row(
                id: try row.decode(column: "id", as: String.self),
                clientName: try row.decode(column: "client_name", as: String.self), clientHref: "/clients/\(client)",
                address: try row.decode(column: "address", as: String.self), listingHref: "/listings/\(listing)",
                when: try row.decodeIfPresent(column: "preferred_time", as: Int64.self).map {
                    DashboardFormat.when(Date(millisecondsSince1970: $0), in: zone)
                } ?? "no time asked",
                status: status.rawValue, notes: try row.decodeIfPresent(column: "notes", as: String.self),
                steps: Self.steps(from: status))
        }
        let count: SQLQueryString = "SELECT COUNT(*) AS n FROM showings s WHERE " + condition
        let total = try await database.raw(count).first()?.decode(column: "n", as: Int.self) ?? 0
        return (rows, total)
    }

    struct ListPage: Sendable {
        var layout: DashboardLayout
        var statusFilter: [FormField.Option]
        var showings: [Row]
        var paging: ListPaging.Position
        var back: String
    }

    func list(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let parameters = request.uri.queryParameters
        var filter = Filter()
        filter.status = parameters.get("status").flatMap(ShowingStatus.init(rawValue:))
        let paging = ListPaging(parameters.get("page"))
        (filter.limit, filter.offset) = (paging.limit, paging.offset)
        let (rows, total) = try await Self.rows(filter, in: signedIn.workspace, database: self.database.sql)
        let link = DashboardFormat.pageLink("/showings", [("status", filter.status?.rawValue)])
        let model = ListPage(
            layout: signedIn.layout(.showings),
            statusFilter: [.init(value: "", text: "Any status", selected: filter.status == nil)]
                + ShowingStatus.allCases.map {
                    .init(value: $0.rawValue, text: $0.rawValue.capitalized, selected: $0 == filter.status)
                },
            showings: rows, paging: paging.position(shown: rows.count, of: total, link: link),
            back: link(paging.number))
        return self.pages.render("showings", model)
    }

    /// A step's button: the showing takes the new status, and the page named by `back` is shown again (a path of
    /// this site only; anything else goes to the list).
    func changeStatus(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: Showing.ID.self)
        let form = try await DashboardForm(request: request, context: context)
        let changes = try form.changes(ShowingChanges.self, [("status", .requiredText)])
        _ = try await ShowingOperations(database: self.database, clock: self.clock).update(
            id, with: changes, in: signedIn.workspaceID)
        return DashboardPages.redirect(to: Self.localPath(form["back"]) ?? "/showings")
    }

    /// `path` when it is a path on this site (`/clients/cli_…`), never another host (`//evil.example`).
    static func localPath(_ path: String?) -> String? {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\"), path.count <= 500,
            !path.contains(where: { $0.isNewline })
        else { return nil }
        return path
    }
}
