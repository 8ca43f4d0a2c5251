import Foundation
import Hummingbird

/// The dashboard's listings: a list (status filter, address search, paging), a form for a new one and a page per
/// listing to edit it, change its status, give it the photo its public page shows and see its showings. Every
/// change goes through `ListingOperations`, so it is stored and announced (`listing.created`,
/// `listing.status_changed`) as the API's is.
struct ListingPages {
    let database: LeadlightDatabase
    let clock: WallClock
    let pages: DashboardPages

    var listings: ListingOperations { ListingOperations(database: self.database, clock: self.clock) }

    func addRoutes(to group: RouterGroup<APIContext>) {
        group.get("listings", use: self.list)
        group.get("listings/new", use: self.newListing)
        group.post("listings", use: self.create)
        group.get("listings/{id}", use: self.show)
        group.post("listings/{id}", use: self.update)
        group.post("listings/{id}/archive", use: self.archive)
        group.post("listings/{id}/restore", use: self.restore)
        group.get("listings/{id}/photo", use: self.photo)
        group.post("listings/{id}/photo", use: self.uploadPhoto)
        group.post("listings/{id}/photo/remove", use: self.removePhoto)
    }

    // MARK: the list

    struct ListPage: Sendable {
        struct Row: Sendable {
            var id: String
            var address: String
            var price: String
            var bedrooms: String
            var bathrooms: String
            var sqft: String
            var status: String
        }

        var layout: DashboardLayout
        var q: String
        var statusFilter: [FormField.Option]
        var rows: [Row]
        var paging: ListPaging.Position
        var archived: Bool
    }

    func list(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let parameters = request.uri.queryParameters
        var query = ListingQuery()
        query.status = parameters.get("status").flatMap(ListingStatus.init(rawValue:))
        let q = TextRules.trimmed(parameters.get("q") ?? "")
        if !q.isEmpty, q.count <= 100 { query.address = q }
        query.archived = parameters.get("archived") == "true"
        let paging = ListPaging(parameters.get("page"))
        (query.limit, query.offset) = (paging.limit, paging.offset)
        let (listings, total) = try await ListingStore(database: self.database.sql).list(
            query, in: signedIn.workspaceID)
        let currency = signedIn.workspace.currency
        let link = DashboardFormat.pageLink(
            "/listings", [("status", query.status?.rawValue), ("q", q), ("archived", query.archived ? "true" : nil)])
        let model = ListPage(
            layout: signedIn.layout(.listings), q: q,
            statusFilter: [.init(value: "", text: "Any status", selected: query.status == nil)]
                + ListingStatus.allCases.map {
                    .init(value: $0.rawValue, text: $0.rawValue.capitalized, selected: $0 == query.status)
                },
            rows: listings.map { listing in
                .init(
                    id: listing.id.rawValue, address: listing.address,
                    price: DashboardFormat.money(listing.price, currency),
                    bedrooms: listing.bedrooms.map(String.init) ?? "–",
                    bathrooms: listing.bathroomTenths.map(Self.bathrooms) ?? "–",
                    sqft: listing.sqft.map { $0.formatted() } ?? "–", status: listing.status.rawValue)
            },
            paging: paging.position(shown: listings.count, of: total, link: link), archived: query.archived)
        return self.pages.render("listings", model)
    }

    /// `2.5` from 25 tenths, `2` from 20.
    static func bathrooms(_ tenths: Int) -> String {
        tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
    }

    // MARK: the form, new and edit

    static let editableFields: [(String, DashboardForm.FieldKind)] = [
        ("address", .requiredText), ("price", .decimalText), ("bedrooms", .number), ("bathrooms", .number),
        ("sqft", .number), ("description", .text), ("status", .requiredText),
    ]

    static func fields(of listing: Listing?, form: DashboardForm?, errors: FormErrors, currency: CurrencyCode)
        -> [FormField]
    {
        func value(_ name: String, _ stored: String?) -> String { form?[name] ?? stored ?? "" }
        return [
            FormField(
                name: "address", label: "Address", value: value("address", listing?.address),
                error: errors["address"], required: true),
            FormField(
                name: "price", label: "Price (\(currency.rawValue))", value: value("price", listing?.price.description),
                type: "text", error: errors["price"], required: true, hint: "Like 750000 or 749999.99"),
            FormField(
                name: "bedrooms", label: "Bedrooms", value: value("bedrooms", listing?.bedrooms.map(String.init)),
                type: "number", error: errors["bedrooms"]),
            FormField(
                name: "bathrooms", label: "Bathrooms",
                value: value("bathrooms", listing?.bathroomTenths.map(Self.bathrooms)), type: "text",
                error: errors["bathrooms"], hint: "Like 2 or 2.5"),
            FormField(
                name: "sqft", label: "Square feet", value: value("sqft", listing?.sqft.map(String.init)),
                type: "number", error: errors["sqft"]),
            FormField(
                name: "description", label: "Description", value: value("description", listing?.description),
                type: "textarea", error: errors["description"]),
            .select(
                "status", "Status", ListingStatus.allCases.map { ($0.rawValue, $0.rawValue.capitalized) },
                value: value("status", listing?.status.rawValue ?? ListingStatus.active.rawValue),
                error: errors["status"]),
        ]
    }

    struct NewListingPage: Sendable {
        var layout: DashboardLayout
        var fields: [FormField]
        var errors: [String]
    }

    func newListing(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let fields = Self.fields(of: nil, form: nil, errors: FormErrors(), currency: signedIn.workspace.currency)
        return self.pages.render(
            "listing-new", NewListingPage(layout: signedIn.layout(.listings), fields: fields, errors: []))
    }

    func create(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let form = try await DashboardForm(request: request, context: context)
        do {
            let changes = try form.changes(ListingChanges.self, Self.editableFields)
            let listing = try await self.listings.create(changes, in: signedIn.workspaceID)
            return DashboardPages.redirect(to: "/listings/\(listing.id.rawValue)")
        } catch let failure as ValidationFailure {
            let errors = FormErrors(failure, fields: Set(Self.editableFields.map(\.0)))
            let fields = Self.fields(of: nil, form: form, errors: errors, currency: signedIn.workspace.currency)
            return self.pages.render(
                "listing-new",
                NewListingPage(layout: signedIn.layout(.listings), fields: fields, errors: errors.general),
                status: .unprocessableContent)
        }
    }

    // MARK: one listing

    struct ListingPage: Sendable {
        var layout: DashboardLayout
        var id: String
        var address: String
        var price: String
        var status: String
        var fields: [FormField]
        var errors: [String]
        var saved: Bool
        var archived: Bool
        var showings: [ShowingPages.Row]
        var back: String
        var photo: PublicSiteSettingsPages.FileView?
        var photoField: FormField
        var photoNotice: String?
    }

    func show(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Listing.ID.self)
        let notice: String? =
            switch request.uri.queryParameters.get("photo") {
            case "saved": "Photo saved: the listing's public page shows it."
            case "removed": "The photo is no longer shown."
            default: nil
            }
        return try await self.page(
            for: id, context: context, saved: request.uri.queryParameters.get("saved") != nil, photoNotice: notice)
    }

    private func page(
        for id: Listing.ID, context: APIContext, form: DashboardForm? = nil, errors: FormErrors = FormErrors(),
        saved: Bool = false, photoNotice: String? = nil, photoError: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let signedIn = try context.signedIn
        guard let listing = try await ListingStore(database: self.database.sql).find(id, in: signedIn.workspaceID)
        else { throw NotFound("listing") }
        let currency = signedIn.workspace.currency
        var showings = ShowingPages.Filter()
        showings.listingID = listing.id
        let model = ListingPage(
            layout: signedIn.layout(.listings), id: listing.id.rawValue, address: listing.address,
            price: DashboardFormat.money(listing.price, currency), status: listing.status.rawValue,
            fields: Self.fields(of: listing, form: form, errors: errors, currency: currency), errors: errors.general,
            saved: saved, archived: listing.archivedAt != nil,
            showings: try await ShowingPages.rows(showings, in: signedIn.workspace, database: self.database.sql).rows,
            back: "/listings/\(listing.id.rawValue)#showings",
            photo: PublicSiteSettingsPages.FileView(
                try await self.listings.photoInfo(of: listing.id, in: signedIn.workspaceID),
                href: "/listings/\(listing.id.rawValue)/photo", zone: signedIn.workspace.zone),
            photoField: FormField(
                name: "photo", label: "New photo", value: "", type: "file", error: photoError,
                hint: "A JPEG, PNG or WebP image of at most 2 MB, shown on the listing's public page"),
            photoNotice: photoNotice)
        return self.pages.render("listing", model, status: status)
    }

    func update(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let id = try context.parameters.require("id", as: Listing.ID.self)
        let form = try await DashboardForm(request: request, context: context)
        do {
            let changes = try form.changes(ListingChanges.self, Self.editableFields)
            _ = try await self.listings.update(id, with: changes, in: signedIn.workspaceID)
            return DashboardPages.redirect(to: "/listings/\(id.rawValue)?saved=1")
        } catch let failure as ValidationFailure {
            let errors = FormErrors(failure, fields: Set(Self.editableFields.map(\.0)))
            return try await self.page(
                for: id, context: context, form: form, errors: errors, status: .unprocessableContent)
        }
    }

    func archive(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Listing.ID.self)
        _ = try await self.listings.archive(id, in: try context.signedIn.workspaceID)
        return DashboardPages.redirect(to: "/listings/\(id.rawValue)")
    }

    func restore(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Listing.ID.self)
        _ = try await self.listings.restore(id, in: try context.signedIn.workspaceID)
        return DashboardPages.redirect(to: "/listings/\(id.rawValue)")
    }

    // MARK: its photo

    func photo(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Listing.ID.self)
        guard let file = try await self.listings.photo(of: id, in: try context.signedIn.workspaceID) else {
            throw NotFound("photo")
        }
        return Response(
            status: .ok, headers: [.contentType: file.contentType, .cacheControl: "private, no-cache"],
            body: .init(byteBuffer: ByteBuffer(data: file.content)))
    }

    /// The photo form is sent as multipart; a bad file is shown beside its field and nothing changes.
    func uploadPhoto(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Listing.ID.self)
        let form = try await DashboardForm(request: request, context: context)
        do {
            guard let upload = form.files["photo"] else {
                throw ValidationFailure(field: "photo", message: "is required: choose an image file")
            }
            try await self.listings.setPhoto(
                fileName: upload.fileName, content: upload.content, of: id, in: try context.signedIn.workspaceID)
            return DashboardPages.redirect(to: "/listings/\(id.rawValue)?photo=saved")
        } catch let failure as ValidationFailure {
            return try await self.page(
                for: id, context: context, photoError: FormErrors(failure, fields: ["photo"])["photo"],
                status: .unprocessableContent)
        }
    }

    func removePhoto(_ request: Request, context: APIContext) async throws -> Response {
        let id = try context.parameters.require("id", as: Listing.ID.self)
        try await self.listings.removePhoto(of: id, in: try context.signedIn.workspaceID)
        return DashboardPages.redirect(to: "/listings/\(id.rawValue)?photo=removed")
    }
}
