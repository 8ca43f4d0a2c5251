import Foundation
import Hummingbird

/// The dashboard's offering catalog: a list (type and active filters, search, paging), **Add offering** (the
/// common fields and those of the chosen type) and a page per offering to edit or delete it. Writes go through
/// `OfferingOperations`, which reads a form exactly as the API reads a row: `19.99` typed is `19.99` stored.
struct OfferingPages {
    let database: LeadlightDatabase
    let clock: WallClock
    let pages: DashboardPages

    var offerings: OfferingOperations { OfferingOperations(database: self.database, clock: self.clock) }

    func addRoutes(to group: RouterGroup<APIContext>) {
        group.get("offerings", use: self.list)
        group.get("offerings/new", use: self.newOffering)
        group.post("offerings", use: self.create)
        group.get("offerings/{id}", use: self.show)
        group.post("offerings/{id}", use: self.update)
        group.post("offerings/{id}/delete", use: self.delete)
    }

    // MARK: the list

    struct ListPage: Sendable {
        struct Row: Sendable {
            var id: String
            var name: String
            var type: String
            var sku: String?
            var price: String
            var stock: String
            var active: Bool
        }

        var layout: DashboardLayout
        var q: String
        var typeFilter: [FormField.Option]
        var activeFilter: [FormField.Option]
        var rows: [Row]
        var paging: ListPaging.Position
        var notice: String?
    }

    func list(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let parameters = request.uri.queryParameters
        var query = OfferingQuery()
        query.type = parameters.get("type").flatMap(OfferingType.init(rawValue:))
        let active = parameters.get("active")
        query.active = active == "true" ? true : active == "false" ? false : nil
        let q = TextRules.trimmed(parameters.get("q") ?? "")
        if !q.isEmpty, q.count <= 100 { query.search = q }
        let paging = ListPaging(parameters.get("page"))
        (query.limit, query.offset) = (paging.limit, paging.offset)
        let (offerings, total) = try await OfferingStore(database: self.database.sql).list(
            query, in: signedIn.workspaceID)
        let link = DashboardFormat.pageLink(
            "/offerings", [("type", query.type?.rawValue), ("active", query.active.map(String.init)), ("q", q)])
        let model = ListPage(
            layout: signedIn.layout(.offerings), q: q,
            typeFilter: [.init(value: "", text: "Any type", selected: query.type == nil)]
                + OfferingType.allCases.map {
                    .init(value: $0.rawValue, text: $0.rawValue.capitalized, selected: $0 == query.type)
                },
            activeFilter: [
                .init(value: "", text: "Active or not", selected: query.active == nil),
                .init(value: "true", text: "Active", selected: query.active == true),
                .init(value: "false", text: "Inactive", selected: query.active == false),
            ],
            rows: offerings.map { offering in
                .init(
                    id: offering.id.rawValue, name: offering.name, type: offering.type.rawValue, sku: offering.sku,
                    price: offering.price.map { DashboardFormat.money($0, offering.currency) } ?? "–",
                    stock: offering.stockQty.map(String.init) ?? "–", active: offering.active)
            },
            paging: paging.position(shown: offerings.count, of: total, link: link),
            notice: parameters.get("deleted") != nil ? "The offering was deleted." : nil)
        return self.pages.render("offerings", model)
    }

    // MARK: the form

    /// The fields every type has, and those of one type only.
    static let commonFields: [(String, DashboardForm.FieldKind)] = [
        ("type", .requiredText), ("name", .requiredText), ("description", .text), ("price", .decimalText),
        ("currency", .requiredText), ("externalId", .text), ("active", .checkbox),
    ]
    static let typeFields: [OfferingType: [(String, DashboardForm.FieldKind)]] = [
        .product: [("sku", .text), ("stockQty", .number), ("reorderLevel", .number), ("unit", .text)],
        .subscription: [("billingPeriod", .text)],
        .contract: [("termMonths", .number)],
    ]
    static let fieldNames: Set<String> = Set(
        (commonFields + typeFields.values.flatMap { $0 }).map(\.0))

    /// The form as an upsert row: the common fields and those of the chosen type (the others, shown for
    /// another type, are left out). A new offering leaves out the optional fields left empty.
    static func row(from form: DashboardForm, new: Bool) throws -> OfferingRow {
        let type = form["type"].flatMap(OfferingType.init(rawValue:))
        var fields = Self.commonFields + (type.flatMap { Self.typeFields[$0] } ?? [])
        if new {
            fields = fields.filter { name, kind in
                kind == .checkbox || kind == .requiredText || !TextRules.trimmed(form[name] ?? "").isEmpty
            }
        }
        return try form.changes(OfferingRow.self, fields)
    }

    static func fields(of offering: Offering?, form: DashboardForm?, errors: FormErrors, currency: CurrencyCode)
        -> [FormField]
    {
        func value(_ name: String, _ stored: String?) -> String { form?[name] ?? stored ?? "" }
        let active = form.map { $0["active"] != nil } ?? offering?.active ?? true
        return [
            .select(
                "type", "Type", OfferingType.allCases.map { ($0.rawValue, $0.rawValue.capitalized) },
                value: value("type", offering?.type.rawValue ?? OfferingType.product.rawValue), error: errors["type"]),
            FormField(
                name: "name", label: "Name", value: value("name", offering?.name), error: errors["name"], required: true
            ),
            FormField(
                name: "price", label: "Price", value: value("price", offering?.price?.description),
                error: errors["price"],
                hint: "Like 19.99; up to four decimals, kept exactly"),
            FormField(
                name: "currency", label: "Currency",
                value: value("currency", (offering?.currency ?? currency).rawValue),
                error: errors["currency"], required: true, hint: "A three-letter code, like USD"),
            FormField(
                name: "description", label: "Description", value: value("description", offering?.description),
                type: "textarea", error: errors["description"]),
            FormField(
                name: "externalId", label: "External id", value: value("externalId", offering?.externalID),
                error: errors["externalId"], hint: "Its id in your own system, if it has one"),
            FormField(
                name: "active", label: "Active", value: active ? "1" : "", type: "checkbox", error: errors["active"]),
            FormField(
                name: "sku", label: "SKU (products)", value: value("sku", offering?.sku), error: errors["sku"]),
            FormField(
                name: "stockQty", label: "Stock quantity (products)",
                value: value("stockQty", offering?.stockQty.map(String.init)), type: "number", error: errors["stockQty"]
            ),
            FormField(
                name: "reorderLevel", label: "Reorder level (products)",
                value: value("reorderLevel", offering?.reorderLevel.map(String.init)), type: "number",
                error: errors["reorderLevel"]),
            FormField(
                name: "unit", label: "Unit (products)", value: value("unit", offering?.unit), error: errors["unit"],
                hint: "Like box or kg"),
            .select(
                "billingPeriod", "Billing period (subscriptions)",
                [("", "–")] + BillingPeriod.allCases.map { ($0.rawValue, $0.rawValue.capitalized) },
                value: value("billingPeriod", offering?.billingPeriod?.rawValue), error: errors["billingPeriod"]),
            FormField(
                name: "termMonths", label: "Term in months (contracts)",
                value: value("termMonths", offering?.termMonths.map(String.init)), type: "number",
                error: errors["termMonths"]),
        ]
    }

    struct FormPage: Sendable {
        var layout: DashboardLayout
        var id: String?
        var name: String
        var fields: [FormField]
        var errors: [String]
        var saved: Bool
    }

    func newOffering(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let fields = Self.fields(of: nil, form: nil, errors: FormErrors(), currency: signedIn.workspace.currency)
        return self.pages.render(
            "offering",
            FormPage(layout: signedIn.layout(.offerings), name: "", fields: fields, errors: [], saved: false))
    }

    func create(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let form = try await DashboardForm(request: request, context: context)
        let errors: FormErrors
        do {
            let offering = try await self.offerings.add(try Self.row(from: form, new: true), in: signedIn.workspace)
            return DashboardPages.redirect(to: "/offerings/\(offering.id.rawValue)?saved=1")
        } catch let failure as ValidationFailure {
            errors = FormErrors(failure, fields: Self.fieldNames)
        } catch let taken as OfferingOperations.KeyTaken {
            errors = FormErrors(Self.describe(taken), fields: Self.fieldNames)
        }
        let fields = Self.fields(of: nil, form: form, errors: errors, currency: signedIn.workspace.currency)
        return self.pages.render(
            "offering",
            FormPage(
                layout: signedIn.layout(.offerings), name: "", fields: fields, errors: errors.general, saved: false),
            status: .unprocessableContent)
    }

    static func describe(_ taken: OfferingOperations.KeyTaken) -> ValidationFailure {
        ValidationFailure(field: taken.field, message: "\(taken.value) is another offering's \(taken.field) already")
    }

    // MARK: one offering

    func show(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Offering.ID.self)
        return try await self.page(for: id, context: context, saved: request.uri.queryParameters.get("saved") != nil)
    }

    private func page(
        for id: Offering.ID, context: APIContext, form: DashboardForm? = nil, errors: FormErrors = FormErrors(),
        saved: Bool = false, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let signedIn = try context.signedIn
        guard let offering = try await OfferingStore(database: self.database.sql).find(id, in: signedIn.workspaceID)
        else { throw NotFound("offering") }
        let model = FormPage(
            layout: signedIn.layout(.offerings), id: offering.id.rawValue, name: offering.name,
            fields: Self.fields(of: offering, form: form, errors: errors, currency: signedIn.workspace.currency),
            errors: errors.general, saved: saved)
        return self.pages.render("offering", model, status: status)
    }

    func update(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: Offering.ID.self)
        let form = try await DashboardForm(request: request, context: context)
        let errors: FormErrors
        do {
            _ = try await self.offerings.update(
                id, with: try Self.row(from: form, new: false), in: signedIn.workspaceID)
            return DashboardPages.redirect(to: "/offerings/\(id.rawValue)?saved=1")
        } catch let failure as ValidationFailure {
            errors = FormErrors(failure, fields: Self.fieldNames)
        } catch let taken as OfferingOperations.KeyTaken {
            errors = FormErrors(Self.describe(taken), fields: Self.fieldNames)
        }
        return try await self.page(for: id, context: context, form: form, errors: errors, status: .unprocessableContent)
    }

    /// Deletes for good, so the form asks for a tick first.
    func delete(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: Offering.ID.self)
        let form = try await DashboardForm(request: request, context: context)
        guard form["confirm"] != nil else {
            let failure = ValidationFailure(
                field: "Deleting", message: "needs the box ticked first: it cannot be undone")
            return try await self.page(
                for: id, context: context, errors: FormErrors(failure, fields: []), status: .unprocessableContent)
        }
        try await self.offerings.delete(id, in: signedIn.workspaceID)
        return DashboardPages.redirect(to: "/offerings?deleted=1")
    }
}
