import Foundation
import Hummingbird
import Mustache

/// The dashboard's leads: the inbox (newest first, filter, search, paging, a status change for many at once), a
/// page per lead (edit, notes and history, convert to client, archive), and a form for a new one. Every change
/// goes through `LeadOperations` and `NoteOperations`, so it is stored and announced as the API's is.
struct LeadPages {
    let database: LeadlightDatabase
    let clock: WallClock
    let pages: DashboardPages

    var leads: LeadOperations { LeadOperations(database: self.database, clock: self.clock) }

    /// A status change "for all that match" reaches this many leads at most, newest first.
    static let maxBulk = 10_000

    func addRoutes(to group: RouterGroup<APIContext>) {
        group.get("leads", use: self.inbox)
        group.post("leads/status", use: self.changeStatus)
        group.get("leads/new", use: self.newLead)
        group.post("leads", use: self.create)
        group.get("leads/{id}", use: self.show)
        group.post("leads/{id}", use: self.update)
        group.post("leads/{id}/notes", use: self.addNote)
        group.post("leads/{id}/convert", use: self.convert)
        group.post("leads/{id}/archive", use: self.archive)
        group.post("leads/{id}/restore", use: self.restore)
    }

    // MARK: the inbox

    struct InboxPage: Sendable {
        var layout: DashboardLayout
        var q: String
        var status: String
        /// The `<option>`s of the status filter and of "Change status" (`FormField.Option.html`).
        var statusFilter: HTML
        var statusChoices: HTML
        /// The leads' rows (`row(_:in:)`), placed with `{{{rows}}}`.
        var rows: HTML
        var hasRows: Bool
        var paging: ListPaging.Position
        var notice: String?
        var error: String?
        var archived: Bool
    }

    /// The filter of the inbox, from its query (`status`, `q`, `page`, `archived`); bad values are ignored.
    static func query(status: String?, q: String?, archived: String? = nil, page: String? = nil) -> (
        query: LeadQuery, paging: ListPaging, q: String
    ) {
        var query = LeadQuery()
        query.status = status.flatMap(LeadStatus.init(rawValue:))
        let q = TextRules.trimmed(q ?? "")
        if !q.isEmpty, q.count <= 100 { query.search = SearchTerm(text: q) }
        query.archived = archived == "true"
        let paging = ListPaging(page)
        (query.limit, query.offset) = (paging.limit, paging.offset)
        return (query, paging, q)
    }

    func inbox(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let parameters = request.uri.queryParameters
        let (query, paging, q) = Self.query(
            status: parameters.get("status"), q: parameters.get("q"), archived: parameters.get("archived"),
            page: parameters.get("page"))
        let (leads, total) = try await LeadStore(database: self.database.sql).list(query, in: signedIn.workspaceID)
        let zone = signedIn.workspace.zone
        let link = DashboardFormat.pageLink(
            "/leads", [("status", query.status?.rawValue), ("q", q), ("archived", query.archived ? "true" : nil)])
        let changed = parameters.get("changed").flatMap { Int($0) }
        let model = InboxPage(
            layout: signedIn.layout(.leads), q: q, status: query.status?.rawValue ?? "",
            statusFilter: FormField.Option.html(
                [.init(value: "", text: "Any status", selected: query.status == nil)]
                    + LeadStatus.allCases.map {
                        .init(value: $0.rawValue, text: $0.rawValue.capitalized, selected: $0 == query.status)
                    }),
            statusChoices: FormField.Option.html(
                LeadStatus.allCases.map { .init(value: $0.rawValue, text: $0.rawValue.capitalized, selected: false) }),
            rows: HTML(joining: leads.map { InboxPage.row($0, in: zone) }), hasRows: !leads.isEmpty,
            paging: paging.position(shown: leads.count, of: total, link: link),
            notice: changed.map { $0 == 1 ? "1 lead changed." : "\($0) leads changed." },
            error: parameters.get("error") == "none-selected" ? "Select at least one lead first." : nil,
            archived: query.archived
        )
        return self.pages.render("leads", model)
    }

    /// The inbox's "Change status": the ticked leads, or every lead that matches the filter.
    func changeStatus(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let form = try await DashboardForm(request: request, context: context)
        guard let status = form["status"].flatMap(LeadStatus.init(rawValue:)) else {
            throw HTTPError(.badRequest, message: "Choose the status to give the leads.")
        }
        var back = URLComponents()
        back.path = "/leads"
        back.queryItems = [("status", form["filterStatus"]), ("q", form["q"])].compactMap { name, value in
            value.flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) }
        }
        let ids: [Lead.ID]
        if form["scope"] == "matching" {
            let filter = Self.query(status: form["filterStatus"], q: form["q"]).query
            ids = try await LeadStore(database: self.database.sql).ids(
                matching: filter, in: signedIn.workspaceID, limit: Self.maxBulk)
        } else {
            ids = form.all("ids").prefix(ListPaging.size * 4).map(Lead.ID.init(rawValue:))
        }
        guard !ids.isEmpty else {
            back.queryItems = (back.queryItems ?? []) + [URLQueryItem(name: "error", value: "none-selected")]
            return DashboardPages.redirect(to: back.string ?? "/leads")
        }
        let changed = try await self.leads.changeStatus(of: ids, to: status, in: signedIn.workspaceID)
        back.queryItems = (back.queryItems ?? []) + [URLQueryItem(name: "changed", value: String(changed))]
        return DashboardPages.redirect(to: back.string ?? "/leads")
    }

    // MARK: one lead

    struct LeadPage: Sendable {
        struct Duplicate: Sendable {
            var kind: String
            var name: String
            var href: String
            var matches: String
        }

        var layout: DashboardLayout
        var id: String
        var name: String
        var status: String
        var received: String
        var fields: [FormField]
        var errors: [String]
        var saved: Bool
        var duplicates: [Duplicate]
        var clientHref: String?
        var convertError: String?
        var archived: Bool
        var consents: [ConsentView]
        /// The page of the email the lead was made from, for a lead from email import.
        var originalEmailHref: String?
        var timeline: TimelineView
        var noteAction: String
        var noteError: String?
        var noteText: String
    }

    static let editableFields: [(String, DashboardForm.FieldKind)] = [
        ("name", .requiredText), ("email", .text), ("phone", .text), ("source", .text), ("propertyAddress", .text),
        ("status", .requiredText), ("notes", .text),
    ]

    static func fields(of lead: Lead?, form: DashboardForm?, errors: FormErrors) -> [FormField] {
        func value(_ name: String, _ stored: String?) -> String { form?[name] ?? stored ?? "" }
        return [
            FormField(
                name: "name", label: "Name", value: value("name", lead?.name), error: errors["name"], required: true),
            FormField(
                name: "email", label: "Email", value: value("email", lead?.email), type: "email", error: errors["email"]
            ),
            FormField(
                name: "phone", label: "Phone", value: value("phone", lead?.phone?.text), type: "tel",
                error: errors["phone"]),
            FormField(name: "source", label: "Source", value: value("source", lead?.source), error: errors["source"]),
            FormField(
                name: "propertyAddress", label: "Property address",
                value: value("propertyAddress", lead?.propertyAddress),
                error: errors["propertyAddress"]),
            .select(
                "status", "Status", LeadStatus.allCases.map { ($0.rawValue, $0.rawValue.capitalized) },
                value: value("status", lead?.status.rawValue ?? LeadStatus.new.rawValue), error: errors["status"]),
            FormField(
                name: "notes", label: "Notes", value: value("notes", lead?.notes), type: "textarea",
                error: errors["notes"]),
        ]
    }

    func show(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Lead.ID.self)
        let saved = request.uri.queryParameters.get("saved") != nil
        return try await self.page(for: id, context: context, saved: saved)
    }

    private func page(
        for id: Lead.ID, context: APIContext, form: DashboardForm? = nil, errors: FormErrors = FormErrors(),
        saved: Bool = false, convertError: String? = nil, noteError: String? = nil, noteText: String = "",
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let signedIn = try context.signedIn
        let sql = self.database.sql
        guard let lead = try await LeadStore(database: sql).find(id, in: signedIn.workspaceID) else {
            throw NotFound("lead")
        }
        let zone = signedIn.workspace.zone
        let otherLeads = try await LeadStore(database: sql).sharing(
            email: lead.email, phoneDigits: lead.phone?.digits, except: lead.id, in: signedIn.workspaceID)
        let clients = try await ClientStore(database: sql).sharing(
            email: lead.email, phoneDigits: lead.phone?.digits, in: signedIn.workspaceID
        ).filter { $0.id != lead.clientID }
        func matches(_ email: String?, _ phone: PhoneNumber?) -> String {
            let both = email != nil && email == lead.email && phone != nil && phone?.digits == lead.phone?.digits
            return both ? "email and phone" : email != nil && email == lead.email ? "email" : "phone"
        }
        let model = LeadPage(
            layout: signedIn.layout(.leads), id: lead.id.rawValue, name: lead.name, status: lead.status.rawValue,
            received: DashboardFormat.when(lead.createdAt, in: zone),
            fields: Self.fields(of: lead, form: form, errors: errors), errors: errors.general, saved: saved,
            duplicates: otherLeads.map {
                .init(
                    kind: "lead", name: $0.name, href: "/leads/\($0.id.rawValue)", matches: matches($0.email, $0.phone))
            }
                + clients.map {
                    .init(
                        kind: "client", name: $0.name, href: "/clients/\($0.id.rawValue)",
                        matches: matches($0.email, $0.phone))
                },
            clientHref: lead.clientID.map { "/clients/\($0.rawValue)" }, convertError: convertError,
            archived: lead.archivedAt != nil,
            consents: try await ConsentView.load(lead.id.rawValue, in: signedIn.workspace, database: sql),
            originalEmailHref: try await InboundEmailStore(database: sql).record(
                ofLead: lead.id, in: signedIn.workspaceID
            )
            .map { _ in "/leads/\(lead.id.rawValue)/email" },
            timeline: try await TimelineView.load(.lead(lead.id), in: signedIn.workspace, database: sql),
            noteAction: "/leads/\(lead.id.rawValue)/notes", noteError: noteError, noteText: noteText
        )
        return self.pages.render("lead", model, status: status)
    }

    func update(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: Lead.ID.self)
        let form = try await DashboardForm(request: request, context: context)
        do {
            let changes = try form.changes(LeadChanges.self, Self.editableFields)
            _ = try await self.leads.update(id, with: changes, in: signedIn.workspaceID)
            return DashboardPages.redirect(to: "/leads/\(id.rawValue)?saved=1")
        } catch let failure as ValidationFailure {
            let errors = FormErrors(failure, fields: Set(Self.editableFields.map(\.0)))
            return try await self.page(
                for: id, context: context, form: form, errors: errors, status: .unprocessableContent)
        }
    }

    func addNote(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: Lead.ID.self)
        let form = try await DashboardForm(request: request, context: context)
        let text = form["note"] ?? ""
        do {
            _ = try await NoteOperations(database: self.database, clock: self.clock).add(
                text, on: .lead(id), in: signedIn.workspaceID)
            return DashboardPages.redirect(to: "/leads/\(id.rawValue)#timeline")
        } catch let failure as ValidationFailure {
            return try await self.page(
                for: id, context: context, noteError: failure.fields.map(\.message).joined(separator: "; "),
                noteText: text, status: .unprocessableContent)
        }
    }

    /// Makes the lead a client and shows the client; what stands in the way is said on the lead's page.
    func convert(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: Lead.ID.self)
        do {
            let (_, client) = try await self.leads.convert(id, in: signedIn.workspaceID)
            return DashboardPages.redirect(to: "/clients/\(client.id.rawValue)")
        } catch let converted as LeadAlreadyConverted {
            return DashboardPages.redirect(to: "/clients/\(converted.client.rawValue)")
        } catch is LeadHasNoEmail {
            return try await self.page(
                for: id, context: context,
                convertError: "A client needs an email: add this lead's email, save, then convert.", status: .conflict)
        } catch let taken as ClientStore.EmailTaken {
            return try await self.page(
                for: id, context: context,
                convertError: "A client with \(taken.email) exists already (see above).", status: .conflict)
        }
    }

    func archive(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Lead.ID.self)
        _ = try await self.leads.archive(id, in: try context.signedIn.workspaceID)
        return DashboardPages.redirect(to: "/leads/\(id.rawValue)")
    }

    func restore(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Lead.ID.self)
        _ = try await self.leads.restore(id, in: try context.signedIn.workspaceID)
        return DashboardPages.redirect(to: "/leads/\(id.rawValue)")
    }

    // MARK: a new lead

    struct NewLeadPage: Sendable {
        var layout: DashboardLayout
        var fields: [FormField]
        var errors: [String]
    }

    func newLead(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        return self.pages.render(
            "lead-new",
            NewLeadPage(
                layout: signedIn.layout(.leads), fields: Self.fields(of: nil, form: nil, errors: FormErrors()),
                errors: []))
    }

    func create(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let form = try await DashboardForm(request: request, context: context)
        do {
            let changes = try form.changes(LeadChanges.self, Self.editableFields)
            let lead = try await self.leads.create(changes, in: signedIn.workspaceID)
            return DashboardPages.redirect(to: "/leads/\(lead.id.rawValue)")
        } catch let failure as ValidationFailure {
            let errors = FormErrors(failure, fields: Set(Self.editableFields.map(\.0)))
            return self.pages.render(
                "lead-new",
                NewLeadPage(
                    layout: signedIn.layout(.leads), fields: Self.fields(of: nil, form: form, errors: errors),
                    errors: errors.general),
                status: .unprocessableContent)
        }
    }
}
