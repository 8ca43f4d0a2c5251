import Foundation
import Hummingbird
import Mustache
import SQLKit

/// The dashboard's clients: the pipeline board (a column per buying stage, in pipeline order, each card with a
/// stage control that works without JavaScript) and a page per client (details, notes and history, showings).
/// Stage changes go through `ClientOperations`, so they are timed and announced as `client.stage_changed` exactly
/// as the API's are.
struct ClientPages {
    let database: LeadlightDatabase
    let clock: WallClock
    let pages: DashboardPages

    var clients: ClientOperations { ClientOperations(database: self.database, clock: self.clock) }

    /// Cards shown per column (the count says how many there are in all; search finds any client): a column
    /// of more is scrolled past rather than read, and 30 keep the board well under 20 ms (docs/BENCHMARKS.md).
    static let cardsPerStage = 30

    func addRoutes(to group: RouterGroup<APIContext>) {
        group.get("clients", use: self.board)
        group.get("clients/{id}", use: self.show)
        group.post("clients/{id}", use: self.update)
        group.post("clients/{id}/stage", use: self.moveStage)
        group.post("clients/{id}/notes", use: self.addNote)
        group.post("clients/{id}/showings", use: self.book)
        group.post("clients/{id}/archive", use: self.archive)
        group.post("clients/{id}/restore", use: self.restore)
    }

    // MARK: the board

    struct BoardPage: Sendable {
        var layout: DashboardLayout
        var q: String
        /// A column a stage (`column(_:count:cards:)`), placed with `{{{columns}}}`.
        var columns: HTML
        var total: Int
    }

    /// Two statements whatever the number of clients: the count per stage, and the newest cards of each stage.
    func board(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let q = TextRules.trimmed(request.uri.queryParameters.get("q") ?? "")
        let search = !q.isEmpty && q.count <= 100 ? SearchTerm(text: q) : nil
        let sql = self.database.sql
        let workspace = signedIn.workspaceID.rawValue
        let searchCondition: SQLQueryString = search.map { " AND " + $0.condition } ?? ""
        var perStage: [String: Int] = [:]
        if search == nil {
            perStage = try await RecordCounts(database: sql).perState(.clients, in: signedIn.workspaceID)
        } else {
            let counts: SQLQueryString =
                "SELECT buying_stage, COUNT(*) AS n FROM clients WHERE workspace_id = \(bind: workspace)"
                + " AND archived_at IS NULL" + searchCondition + " GROUP BY buying_stage"
            for row in try await sql.raw(counts).all() {
                perStage[try row.decode(column: "buying_stage", as: String.self)] = try row.decode(
                    column: "n", as: Int.self)
            }
        }
        let clients = try await sql.raw(Self.boardCards(in: signedIn.workspaceID, search: search)).all()
            .map(Client.init(row:))
        let now = self.clock.now
        let layout = signedIn.layout(.clients)
        let byStage = Dictionary(grouping: clients, by: \.buyingStage)
        let columns = BuyingStage.allCases.map { stage in
            let shown = byStage[stage] ?? []
            // every card of a column has the same control, the column's stage chosen: written once
            let stageOptions = BoardPage.stageOptions(selected: stage)
            return BoardPage.column(
                stage, count: perStage[stage.rawValue] ?? 0,
                cards: shown.map { client in
                    BoardPage.card(
                        client, inStage: OverviewController.age(now.timeIntervalSince(client.stageChangedAt)),
                        csrfToken: layout.csrfToken, stageOptions: stageOptions)
                })
        }
        let model = BoardPage(
            layout: layout, q: q, columns: HTML(joining: columns), total: perStage.values.reduce(0, +))
        return self.pages.render("clients", model)
    }

    /// The clients most recently moved into each stage (of those the search finds), up to `cardsPerStage` a
    /// stage, stage by stage: a statement per stage, joined, each the first rows of its range of migration 29's
    /// index.
    static func boardCards(in workspace: Workspace.ID, search: SearchTerm?) -> SQLQueryString {
        let stages = BuyingStage.allCases.enumerated().map { place, stage -> SQLQueryString in
            var statement: SQLQueryString = """
                SELECT * FROM (SELECT * FROM clients WHERE workspace_id = \(bind: workspace.rawValue) \
                AND archived_at IS NULL AND buying_stage = \(bind: stage.rawValue)
                """
            if let search { statement += " AND \(search.condition)" }
            return statement
                + " ORDER BY stage_changed_at DESC, id DESC LIMIT \(bind: Self.cardsPerStage)) AS stage\(unsafeRaw: String(place))"
        }
        return stages.dropFirst().reduce(stages[0]) { $0 + " UNION ALL " + $1 }
    }

    /// A card's stage control (or a drag, which posts the same form): the client moves, and the board is shown
    /// again, or the page named by `back` (the client's own page).
    func moveStage(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: Client.ID.self)
        let form = try await DashboardForm(request: request, context: context)
        let changes = try form.changes(ClientChanges.self, [("buyingStage", .requiredText)])
        _ = try await self.clients.update(id, with: changes, in: signedIn.workspaceID)
        let back = form["back"] == "client" ? "/clients/\(id.rawValue)" : "/clients#client-\(id.rawValue)"
        return DashboardPages.redirect(to: back)
    }

    // MARK: one client

    struct ClientPage: Sendable {
        var layout: DashboardLayout
        var id: String
        var name: String
        var stage: String
        var since: String
        var fields: [FormField]
        var errors: [String]
        var saved: Bool
        var archived: Bool
        var showings: [ShowingPages.Row]
        var back: String
        var canBook: Bool
        var bookFields: [FormField]
        var bookErrors: [String]
        var consents: [ConsentView]
        var timeline: TimelineView
        var noteAction: String
        var noteError: String?
        var noteText: String
    }

    static let editableFields: [(String, DashboardForm.FieldKind)] = [
        ("name", .requiredText), ("email", .requiredText), ("phone", .text), ("buyingStage", .requiredText),
        ("notes", .text),
    ]

    static func fields(of client: Client, form: DashboardForm?, errors: FormErrors) -> [FormField] {
        func value(_ name: String, _ stored: String?) -> String { form?[name] ?? stored ?? "" }
        return [
            FormField(
                name: "name", label: "Name", value: value("name", client.name), error: errors["name"], required: true),
            FormField(
                name: "email", label: "Email", value: value("email", client.email), type: "email",
                error: errors["email"],
                required: true),
            FormField(
                name: "phone", label: "Phone", value: value("phone", client.phone?.text), type: "tel",
                error: errors["phone"]),
            .select(
                "buyingStage", "Buying stage", BuyingStage.allCases.map { ($0.rawValue, $0.rawValue) },
                value: value("buyingStage", client.buyingStage.rawValue), error: errors["buyingStage"]),
            FormField(
                name: "notes", label: "Notes", value: value("notes", client.notes), type: "textarea",
                error: errors["notes"]),
        ]
    }

    func show(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Client.ID.self)
        return try await self.page(for: id, context: context, saved: request.uri.queryParameters.get("saved") != nil)
    }

    private func page(
        for id: Client.ID, context: APIContext, form: DashboardForm? = nil, errors: FormErrors = FormErrors(),
        saved: Bool = false, noteError: String? = nil, noteText: String = "", booking: DashboardForm? = nil,
        bookingErrors: FormErrors = FormErrors(), status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let signedIn = try context.signedIn
        let sql = self.database.sql
        guard let client = try await ClientStore(database: sql).find(id, in: signedIn.workspaceID) else {
            throw NotFound("client")
        }
        let zone = signedIn.workspace.zone
        var showings = ShowingPages.Filter()
        showings.clientID = client.id
        var active = ListingQuery()
        active.limit = Self.bookableListings
        let listings = try await ListingStore(database: sql).list(active, in: signedIn.workspaceID).listings
        let model = ClientPage(
            layout: signedIn.layout(.clients), id: client.id.rawValue, name: client.name,
            stage: client.buyingStage.rawValue, since: DashboardFormat.when(client.stageChangedAt, in: zone),
            fields: Self.fields(of: client, form: form, errors: errors), errors: errors.general, saved: saved,
            archived: client.archivedAt != nil,
            showings: try await ShowingPages.rows(showings, in: signedIn.workspace, database: sql).rows,
            back: "/clients/\(client.id.rawValue)#showings", canBook: !listings.isEmpty,
            bookFields: Self.bookingFields(listings, form: booking, errors: bookingErrors),
            bookErrors: bookingErrors.general,
            consents: try await ConsentView.load(client.id.rawValue, in: signedIn.workspace, database: sql),
            timeline: try await TimelineView.load(.client(client.id), in: signedIn.workspace, database: sql),
            noteAction: "/clients/\(client.id.rawValue)/notes", noteError: noteError, noteText: noteText)
        return self.pages.render("client", model, status: status)
    }

    func update(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: Client.ID.self)
        let form = try await DashboardForm(request: request, context: context)
        do {
            let changes = try form.changes(ClientChanges.self, Self.editableFields)
            _ = try await self.clients.update(id, with: changes, in: signedIn.workspaceID)
            return DashboardPages.redirect(to: "/clients/\(id.rawValue)?saved=1")
        } catch let failure as ValidationFailure {
            return try await self.page(
                for: id, context: context, form: form,
                errors: FormErrors(failure, fields: Set(Self.editableFields.map(\.0))), status: .unprocessableContent)
        } catch let taken as ClientStore.EmailTaken {
            let failure = ValidationFailure(field: "email", message: "\(taken.email) is another client's email already")
            return try await self.page(
                for: id, context: context, form: form, errors: FormErrors(failure, fields: ["email"]),
                status: .conflict)
        }
    }

    func addNote(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: Client.ID.self)
        let form = try await DashboardForm(request: request, context: context)
        let text = form["note"] ?? ""
        do {
            _ = try await NoteOperations(database: self.database, clock: self.clock).add(
                text, on: .client(id), in: signedIn.workspaceID)
            return DashboardPages.redirect(to: "/clients/\(id.rawValue)#timeline")
        } catch let failure as ValidationFailure {
            return try await self.page(
                for: id, context: context, noteError: failure.fields.map(\.message).joined(separator: "; "),
                noteText: text, status: .unprocessableContent)
        }
    }

    // MARK: booking a showing

    /// The booking form offers this many active listings at most, by address.
    static let bookableListings = 200

    /// (`showingNotes`, not `notes`: the client's own form on the same page has that one)
    static let bookingFieldNames: Set<String> = ["listingId", "preferredTime", "showingNotes"]

    static func bookingFields(_ listings: [Listing], form: DashboardForm?, errors: FormErrors) -> [FormField] {
        [
            .select(
                "listingId", "Listing",
                listings.sorted { $0.address < $1.address }.map { ($0.id.rawValue, $0.address) },
                value: form?["listingId"] ?? "", error: errors["listingId"]),
            FormField(
                name: "preferredTime", label: "Preferred time", value: form?["preferredTime"] ?? "",
                type: "datetime-local", error: errors["preferredTime"], hint: "In the workspace's time zone"),
            FormField(
                name: "showingNotes", label: "Notes for the showing", value: form?["showingNotes"] ?? "",
                type: "textarea", error: errors["showingNotes"]),
        ]
    }

    /// The client page's "Book a showing": a request for one of the workspace's listings, recorded and announced
    /// (`showing.requested`) by `ShowingOperations`, as the API's is.
    func book(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: Client.ID.self)
        let form = try await DashboardForm(request: request, context: context)
        do {
            var known: [String: any Sendable] = ["clientId": id.rawValue]
            let typed = TextRules.trimmed(form["preferredTime"] ?? "")
            if !typed.isEmpty {
                guard let time = DashboardFormat.localTime(typed, in: signedIn.workspace.zone) else {
                    throw ValidationFailure(
                        field: "preferredTime", message: "must be a date and time, like 2026-12-05 15:00")
                }
                known["preferredTime"] = time.formatted(.iso8601)
            }
            let notes = TextRules.trimmed(form["showingNotes"] ?? "")
            if !notes.isEmpty { known["notes"] = form["showingNotes"] }
            let changes = try form.changes(ShowingChanges.self, [("listingId", .requiredText)], adding: known)
            _ = try await ShowingOperations(database: self.database, clock: self.clock).request(
                changes, in: signedIn.workspaceID)
            return DashboardPages.redirect(to: "/clients/\(id.rawValue)#showings")
        } catch let failure as ValidationFailure {
            return try await self.page(
                for: id, context: context, booking: form,
                bookingErrors: FormErrors(
                    failure.renaming("notes", to: "showingNotes"), fields: Self.bookingFieldNames),
                status: .unprocessableContent)
        }
    }

    func archive(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Client.ID.self)
        _ = try await self.clients.archive(id, in: try context.signedIn.workspaceID)
        return DashboardPages.redirect(to: "/clients/\(id.rawValue)")
    }

    func restore(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Client.ID.self)
        _ = try await self.clients.restore(id, in: try context.signedIn.workspaceID)
        return DashboardPages.redirect(to: "/clients/\(id.rawValue)")
    }
}
