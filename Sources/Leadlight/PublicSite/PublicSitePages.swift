import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The agent's public site, `/a/{agentId}`: their page with a contact form, their active listings with a page
/// each and a showing request form, a client sign-up confirmed by email, and a guide to download. Plain HTML
/// forms, no script. Every form is guarded by a honeypot field, a signed time-trap token that is also its CSRF
/// guard (`FormToken`), per-address and per-agent submission limits and a body limit; what a visitor sends goes
/// through `VisitorOperations`.
struct PublicSitePages {
    let database: LeadlightDatabase
    let clock: WallClock
    let pages: DashboardPages
    let configuration: PublicSiteConfiguration
    let secrets: ServerSecrets
    let limiter: any RateLimiter
    let mailer: any Mailer
    let secureCookies: Bool
    /// Agents as their site shows them, by agent id, read again after a change to a workspace or its profile
    /// (`CommitSignal.siteChanged()`): every page and form needs one, and a visitor's form writes only a lead.
    let sites: ReadCache<Site>
    /// Pages of active listings with their photos, by agent and query, read again after any write of this
    /// process (as the API's lists are).
    let shownListings: ReadCache<ShownListings>
    /// Pages every visitor is shown alike, rendered, by agent and page, kept as `shownListings` is: rendering is
    /// most of a page's cost. A form's token, each visitor's own, is put into its slot per request.
    let sharedPages: ReadCache<SharedPage>

    var visitors: VisitorOperations { VisitorOperations(database: self.database, clock: self.clock) }

    /// The honeypot: a field people never see nor reach by keyboard, which form-filling bots fill in.
    static let honeypotField = "website"
    static let listingsPerPage = 12

    func addRoutes(to group: RouterGroup<APIContext>) {
        group.get(use: self.agentPage)
        group.post("contact", use: self.contact)
        group.get("listings", use: self.listings)
        group.get("listings/{listingID}", use: self.listingPage)
        group.get("listings/{listingID}/photo", use: self.listingPhoto)
        group.post("listings/{listingID}/showings", use: self.requestShowing)
        group.get("signup", use: self.signUpPage)
        group.post("signup", use: self.signUp)
        group.get("signup/confirm", use: self.confirmPage)
        group.post("signup/confirm", use: self.confirm)
        group.get("guide", use: self.guidePage)
        group.post("guide", use: self.requestGuide)
        group.get("guide/file", use: self.guideFile)
        group.get("photo", use: self.photo)
        group.get("thanks/{form}", use: self.thanks)
    }

    // MARK: - The site and its frame

    /// The workspace an address names, with what its site shows; an unknown agent id is a 404 page.
    struct Site: Sendable {
        var workspace: Workspace
        var profile: PublicProfile
        var hasPhoto: Bool
        var guide: PublicFileInfo?

        var agentName: String { self.profile.displayName ?? self.workspace.name }
        var path: String { "/a/\(self.workspace.agentID.rawValue)" }
        var zone: TimeZone { TimeZone(identifier: self.workspace.timeZone) ?? .gmt }
    }

    private func site(_ context: APIContext) async throws -> Site {
        guard let text = context.parameters.get("agentID"), let agentID = AgentID(rawValue: text),
            let site = try await self.sites.value(for: agentID.rawValue, read: { try await self.readSite(agentID) })
        else { throw NotFound("agent") }
        return site
    }

    private func readSite(_ agentID: AgentID) async throws -> Site? {
        guard let workspace = try await WorkspaceStore(database: self.database.sql).find(agentID: agentID) else {
            return nil
        }
        let store = PublicProfileStore(database: self.database.sql)
        let profile = try await store.find(workspace.id) ?? .empty(workspace.id, at: workspace.createdAt)
        return Site(
            workspace: workspace, profile: profile, hasPhoto: try await store.fileInfo(.photo, of: workspace.id) != nil,
            guide: profile.guideTitle == nil ? nil : try await store.fileInfo(.guide, of: workspace.id))
    }

    /// What every page's frame shows of the agent.
    struct SiteLayout: Sendable {
        var agentName: String
        var agentPath: String
        var headline: String?
        var email: String?
        var phone: String?
        var photoPath: String?
        var guideTitle: String?

        init(_ site: Site) {
            self.agentName = site.agentName
            self.agentPath = site.path
            self.headline = site.profile.headline
            self.email = site.profile.email
            self.phone = site.profile.phone?.text
            self.photoPath =
                site.hasPhoto ? "\(site.path)/photo?v=\(site.profile.updatedAt.millisecondsSince1970)" : nil
            self.guideTitle = site.guide == nil ? nil : site.profile.guideTitle
        }
    }

    /// A form as a page shows it: where it goes, its token, its fields, its errors.
    struct SiteForm: Sendable {
        var action: String
        var token: String
        var fields: [FormField]
        var errors: [String]
        var notice: String?
        var submit: String
        var honeypot: String
    }

    /// A page with a form: the token is made for the browser's form cookie (set now if it has none, kept
    /// otherwise, so two open tabs both work).
    private struct Issued {
        var token: String
        var cookie: String?
    }

    private func issue(_ form: String, _ site: Site, _ request: Request) async throws -> Issued {
        let key = try await self.secrets.value(ServerSecrets.formSigningKey)
        let existing = request.cookies[FormToken.cookieName]?.value
        var token = FormToken.issue(form: form, agentID: site.workspace.agentID.rawValue, at: self.clock.now)
        if let existing, existing.utf8.count == 22, Base62.isBase62(existing[...]) {
            token.nonce = existing
            return Issued(token: token.encoded(key: key), cookie: nil)
        }
        let cookie =
            "\(FormToken.cookieName)=\(token.nonce); Path=/a/; Max-Age=\(Int(FormToken.maximumAge)); HttpOnly; "
            + "SameSite=Lax"
            + (self.secureCookies || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
                ? "; Secure" : "")
        return Issued(token: token.encoded(key: key), cookie: cookie)
    }

    private func render(
        _ template: String, _ model: some Sendable, issued: Issued?, status: HTTPResponse.Status = .ok
    ) -> Response {
        var response = self.pages.render(template, model, status: status)
        if let cookie = issued?.cookie { response.headers[.setCookie] = cookie }
        return response
    }

    /// A rendered page as every visitor gets it, with `tokenSlot` where each visitor's form token goes.
    struct SharedPage: Sendable {
        var status: HTTPResponse.Status
        /// The page's text around its token slots.
        var pieces: [String]

        init(_ html: String, status: HTTPResponse.Status = .ok) {
            self.status = status
            self.pieces = html.components(separatedBy: PublicSitePages.tokenSlot)
        }

        var size: Int { self.pieces.reduce(0) { $0 + $1.utf8.count } }

        func body(token: String?) -> ByteBuffer {
            var buffer = ByteBuffer()
            buffer.reserveCapacity(self.size + (self.pieces.count - 1) * (token?.utf8.count ?? 0))
            for (index, piece) in self.pieces.enumerated() {
                if index > 0, let token { buffer.writeString(token) }
                buffer.writeString(piece)
            }
            return buffer
        }
    }

    /// Stands in a shared page for the form token, put in per request. Random per process, so no text an agent
    /// or a visitor writes can be taken for it.
    static let tokenSlot = "token-slot-" + Base62.random(count: 22)

    /// The page made by `html` (with `tokenSlot` for the token), with this visitor's token and cookie; kept under
    /// `key` when there is one (a page every visitor is shown alike). Nil when `html` finds no page.
    private func page(
        kept key: String?, issued: Issued?, html: () async throws -> SharedPage?
    ) async throws -> Response? {
        let made: SharedPage? =
            if let key { try await self.sharedPages.value(for: key, read: html) } else { try await html() }
        guard let page = made else { return nil }
        var response = Response(
            status: page.status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: page.body(token: issued?.token)))
        if let cookie = issued?.cookie { response.headers[.setCookie] = cookie }
        return response
    }

    // MARK: - Receiving a form

    /// What a posted form turned out to be.
    private enum Submission {
        case person(DashboardForm)
        case bot(reason: String)
        case expired(DashboardForm)
    }

    /// Counts the submission against the limits, reads the body within the form limit and judges it: the
    /// honeypot, then the token. A form from another site is refused (403) before anything else is read.
    private func receive(_ request: Request, _ context: APIContext, form name: String, site: Site) async throws
        -> Submission
    {
        let now = self.clock.now
        let address = context.clientAddress
        let byAddress = try await self.limiter.consume(
            bucket: "public-form:address:\(address)", limit: self.configuration.submissionsPerAddress, now: now)
        let byAgent = try await self.limiter.consume(
            bucket: "public-form:agent:\(site.workspace.id.rawValue)", limit: self.configuration.submissionsPerAgent,
            now: now)
        guard byAddress.isAllowed, byAgent.isAllowed else {
            throw PublicSiteTooManySubmissions(
                retryAfterSeconds: max(byAddress.retryAfterSeconds(now: now), byAgent.retryAfterSeconds(now: now)))
        }
        var request = request
        let form = DashboardForm(try await request.collectBody(upTo: self.configuration.maxFormBytes))
        if let trap = form[Self.honeypotField], !trap.isEmpty { return .bot(reason: "the hidden field was filled in") }
        let key = try await self.secrets.value(ServerSecrets.formSigningKey)
        switch FormToken.verdict(
            of: form["_token"], cookie: request.cookies[FormToken.cookieName]?.value, form: name,
            agentID: site.workspace.agentID.rawValue, key: key, now: now,
            minimumFillTime: self.configuration.minimumFillTime)
        {
        case .person: return .person(form)
        case .bot(let reason): return .bot(reason: reason)
        case .expired: return .expired(form)
        case .crossSite:
            throw HTTPError(
                .forbidden,
                message:
                    "This form was not sent from this site's own page, or your browser did not keep its cookie. "
                    + "Go back, reload the page and send it again.")
        }
    }

    /// A bot gets the thank-you page a person gets; nothing is stored but the count the dashboard shows.
    private func caught(_ reason: String, _ site: Site, form: String, context: APIContext, thanks: String)
        async throws -> Response
    {
        context.logger.info(
            "Public form caught a bot", metadata: ["form": .string(form), "reason": .string(reason)])
        try await self.visitors.countBot(in: site.workspace.id)
        return DashboardPages.redirect(to: thanks)
    }

    static let expiredNotice = "This page was open a long time: check your details and send the form again."

    private func consent(_ form: DashboardForm, _ site: Site, page: String) -> Consent? {
        guard form["consent"] != nil else { return nil }
        return Consent(text: Consent.text(agent: site.agentName), page: page, givenAt: self.clock.now)
    }

    private static func details(_ form: DashboardForm) -> VisitorDetails {
        VisitorDetails(
            name: form["name"] ?? "", email: form["email"] ?? "", phone: form["phone"] ?? "",
            message: form["message"] ?? "")
    }

    // MARK: - The agent's page and the contact form

    struct AgentPage: Sendable {
        var site: SiteLayout
        var about: [String]
        var listings: [ListingCard]
        var hasListings: Bool
        var moreListings: Bool
        var contact: SiteForm
    }

    func agentPage(_ request: Request, context: APIContext) async throws -> Response {
        let site = try await self.site(context)
        return try await self.renderAgentPage(site, request: request)
    }

    private func renderAgentPage(
        _ site: Site, request: Request, form: DashboardForm? = nil, errors: FormErrors = FormErrors(),
        notice: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let issued = try await self.issue("contact", site, request)
        let alike = form == nil && errors.isEmpty && notice == nil && status == .ok
        return try await self.page(kept: alike ? "agent \(site.workspace.id.rawValue)" : nil, issued: issued) {
            SharedPage(try await self.agentPage(site, form: form, errors: errors, notice: notice), status: status)
        }!
    }

    /// The agent's page, its form's token left to `tokenSlot`.
    private func agentPage(_ site: Site, form: DashboardForm?, errors: FormErrors, notice: String?) async throws
        -> String
    {
        var query = ListingQuery()
        query.limit = 3
        let shown = try await self.shown(query, site)
        let model = AgentPage(
            site: SiteLayout(site),
            about: (site.profile.about ?? "").split(separator: "\n", omittingEmptySubsequences: true).map(String.init),
            listings: shown.cards(site), hasListings: !shown.listings.isEmpty,
            moreListings: shown.total > shown.listings.count,
            contact: SiteForm(
                action: "\(site.path)/contact", token: Self.tokenSlot,
                fields: Self.contactFields(form, errors, site), errors: errors.general, notice: notice,
                submit: "Send message", honeypot: Self.honeypotField))
        return self.pages.html("site-agent", model)
    }

    private static func contactFields(_ form: DashboardForm?, _ errors: FormErrors, _ site: Site) -> [FormField] {
        [
            FormField(name: "name", label: "Name", value: form?["name"] ?? "", error: errors["name"], required: true),
            FormField(
                name: "email", label: "Email", value: form?["email"] ?? "", type: "email", error: errors["email"]),
            FormField(name: "phone", label: "Phone", value: form?["phone"] ?? "", type: "tel", error: errors["phone"]),
            Self.consentField(form, site),
            FormField(
                name: "message", label: "Message", value: form?["message"] ?? "", type: "textarea",
                error: errors["message"]),
        ]
    }

    /// The consent box beside a phone number: unticked unless the visitor ticked it.
    private static func consentField(_ form: DashboardForm?, _ site: Site) -> FormField {
        FormField(
            name: "consent", label: Consent.text(agent: site.agentName), value: form?["consent"] == nil ? "" : "1",
            type: "checkbox")
    }

    static let contactFieldNames: Set<String> = ["name", "email", "phone", "message"]

    func contact(_ request: Request, context: APIContext) async throws -> Response {
        let site = try await self.site(context)
        let thanks = "\(site.path)/thanks/contact"
        switch try await self.receive(request, context, form: "contact", site: site) {
        case .bot(let reason):
            return try await self.caught(reason, site, form: "contact", context: context, thanks: thanks)
        case .expired(let form):
            return try await self.renderAgentPage(
                site, request: request, form: form, notice: Self.expiredNotice, status: .unprocessableContent)
        case .person(let form):
            do {
                _ = try await self.visitors.contact(
                    Self.details(form), consent: self.consent(form, site, page: site.path), in: site.workspace.id)
                return DashboardPages.redirect(to: thanks)
            } catch let failure as ValidationFailure {
                return try await self.renderAgentPage(
                    site, request: request, form: form,
                    errors: FormErrors(failure.renaming("notes", to: "message"), fields: Self.contactFieldNames),
                    status: .unprocessableContent)
            }
        }
    }

    // MARK: - Listings

    /// A listing as the site shows it.
    struct ListingCard: Sendable {
        var href: String
        var address: String
        var price: String
        var facts: [String]
        var hasFacts: Bool
        var description: [String]
        /// The photo's address, its upload time in it so a new photo is never shown stale from a cache.
        var photo: String?

        init(_ listing: Listing, _ site: Site, photoUploadedAt: Date?) {
            let href = "\(site.path)/listings/\(listing.id.rawValue)"
            self.href = href
            self.photo = photoUploadedAt.map { "\(href)/photo?v=\($0.millisecondsSince1970)" }
            self.address = listing.address
            self.price = DashboardFormat.money(listing.price, site.workspace.currency)
            var facts: [String] = []
            if let bedrooms = listing.bedrooms { facts.append("\(bedrooms) bed\(bedrooms == 1 ? "" : "s")") }
            if let tenths = listing.bathroomTenths {
                let text = tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
                facts.append("\(text) bath\(tenths == 10 ? "" : "s")")
            }
            if let sqft = listing.sqft { facts.append("\(sqft.formatted(.number.grouping(.automatic))) sq ft") }
            self.facts = facts
            self.hasFacts = !facts.isEmpty
            self.description = (listing.description ?? "").split(separator: "\n").map(String.init)
        }
    }

    /// A page of the agent's active listings, how many match in all, and when those with a photo got it.
    struct ShownListings: Sendable {
        var listings: [Listing] = []
        var total = 0
        var photos: [Listing.ID: Date] = [:]

        func cards(_ site: Site) -> [ListingCard] {
            self.listings.map { ListingCard($0, site, photoUploadedAt: self.photos[$0.id]) }
        }
    }

    private func shown(_ query: ListingQuery, _ site: Site) async throws -> ShownListings {
        let workspace = site.workspace.id
        let key =
            "\(workspace.rawValue) \(query.minPrice?.units ?? -1) \(query.maxPrice?.units ?? -1) "
            + "\(query.minBedrooms ?? -1) \(query.limit) \(query.offset)"
        return try await self.shownListings.value(for: key) {
            let (listings, total) = try await ListingStore(database: self.database.sql).list(query, in: workspace)
            let photos = try await ListingPhotoStore(database: self.database.sql)
                .uploadTimes(of: listings.map(\.id), in: workspace)
            return ShownListings(listings: listings, total: total, photos: photos)
        } ?? ShownListings()
    }

    struct ListingsPage: Sendable {
        var site: SiteLayout
        var listings: [ListingCard]
        var filters: [FormField]
        var errors: [String]
        var position: ListPaging.Position
        var paging: ListPaging.Position?
    }

    /// The listings page as every visitor with the same filters sees it, kept rendered.
    func listings(_ request: Request, context: APIContext) async throws -> Response {
        let site = try await self.site(context)
        let parameters = request.uri.queryParameters
        let filters = ListingFilters(
            minPrice: parameters.get("minPrice") ?? "", maxPrice: parameters.get("maxPrice") ?? "",
            bedrooms: parameters.get("minBedrooms") ?? "", page: parameters.get("page"))
        let key =
            ["listings", site.workspace.id.rawValue, filters.minPrice, filters.maxPrice, filters.bedrooms]
            .joined(separator: "\u{0}") + (filters.page.map { "\u{0}" + $0 } ?? "")
        return try await self.page(kept: key, issued: nil) { try await self.listingsPage(site, filters) }!
    }

    /// The listings page's query, as typed.
    private struct ListingFilters: Sendable {
        var minPrice: String
        var maxPrice: String
        var bedrooms: String
        var page: String?
    }

    private func listingsPage(_ site: Site, _ filters: ListingFilters) async throws -> SharedPage {
        var query = ListingQuery()
        var errors = FieldErrorCollector()
        let (minPrice, maxPrice, bedrooms) = (filters.minPrice, filters.maxPrice, filters.bedrooms)
        if !TextRules.trimmed(minPrice).isEmpty {
            query.minPrice = errors.check { try Money(validating: TextRules.trimmed(minPrice), field: "minPrice") }
        }
        if !TextRules.trimmed(maxPrice).isEmpty {
            query.maxPrice = errors.check { try Money(validating: TextRules.trimmed(maxPrice), field: "maxPrice") }
        }
        query.minBedrooms = Int(bedrooms).flatMap { (1...10).contains($0) ? $0 : nil }
        let paging = ListPaging(filters.page, size: Self.listingsPerPage)
        (query.limit, query.offset) = (paging.limit, paging.offset)
        let failure = ValidationFailure(errors.errors)
        let byField = FormErrors(failure, fields: ["minPrice", "maxPrice"])
        let shown = errors.errors.isEmpty ? try await self.shown(query, site) : ShownListings()
        let position = paging.position(
            shown: shown.listings.count, of: shown.total,
            link: DashboardFormat.pageLink(
                "\(site.path)/listings", [("minPrice", minPrice), ("maxPrice", maxPrice), ("minBedrooms", bedrooms)]))
        let model = ListingsPage(
            site: SiteLayout(site), listings: shown.cards(site),
            filters: [
                FormField(
                    name: "minPrice", label: "Lowest price", value: minPrice, type: "text", error: byField["minPrice"]),
                FormField(
                    name: "maxPrice", label: "Highest price", value: maxPrice, type: "text", error: byField["maxPrice"]),
                .select(
                    "minBedrooms", "Bedrooms", [("", "Any")] + (1...5).map { (String($0), "\($0)+") },
                    value: query.minBedrooms.map(String.init) ?? ""),
            ],
            errors: byField.general, position: position,
            paging: position.newer != nil || position.older != nil ? position : nil)
        return SharedPage(self.pages.html("site-listings", model), status: errors.errors.isEmpty ? .ok : .badRequest)
    }

    struct ListingPage: Sendable {
        var site: SiteLayout
        var listing: ListingCard
        var request: SiteForm
    }

    /// One of the agent's active listings; any other id (another agent's, an archived or sold one) is a 404.
    private func activeListing(_ context: APIContext, _ site: Site) async throws -> Listing {
        guard let id = Self.listingID(context), let listing = try await self.activeListing(id, site) else {
            throw NotFound("listing")
        }
        return listing
    }

    private static func listingID(_ context: APIContext) -> Listing.ID? {
        context.parameters.get("listingID").flatMap(Listing.ID.init)
    }

    private func activeListing(_ id: Listing.ID, _ site: Site) async throws -> Listing? {
        guard let listing = try await ListingStore(database: self.database.sql).find(id, in: site.workspace.id),
            listing.status == .active, listing.archivedAt == nil
        else { return nil }
        return listing
    }

    /// The listing's page as every visitor sees it, kept rendered, so the listing is looked up only when it is made.
    func listingPage(_ request: Request, context: APIContext) async throws -> Response {
        let site = try await self.site(context)
        guard let id = Self.listingID(context) else { throw NotFound("listing") }
        let issued = try await self.issue("showing", site, request)
        let page = try await self.page(kept: "listing \(site.workspace.id.rawValue) \(id.rawValue)", issued: issued) {
            guard let listing = try await self.activeListing(id, site) else { return nil }
            return SharedPage(try await self.listingPage(site, listing, form: nil, errors: FormErrors(), notice: nil))
        }
        guard let page else { throw NotFound("listing") }
        return page
    }

    static let showingFieldNames: Set<String> = ["name", "email", "phone", "preferredTime", "message"]

    private func renderListingPage(
        _ site: Site, _ listing: Listing, request: Request, form: DashboardForm? = nil,
        errors: FormErrors = FormErrors(), notice: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let issued = try await self.issue("showing", site, request)
        return try await self.page(kept: nil, issued: issued) {
            SharedPage(
                try await self.listingPage(site, listing, form: form, errors: errors, notice: notice), status: status)
        }!
    }

    /// A listing's page, its form's token left to `tokenSlot`.
    private func listingPage(
        _ site: Site, _ listing: Listing, form: DashboardForm?, errors: FormErrors, notice: String?
    ) async throws -> String {
        let fields = [
            FormField(name: "name", label: "Name", value: form?["name"] ?? "", error: errors["name"], required: true),
            FormField(
                name: "email", label: "Email", value: form?["email"] ?? "", type: "email", error: errors["email"],
                required: true),
            FormField(name: "phone", label: "Phone", value: form?["phone"] ?? "", type: "tel", error: errors["phone"]),
            Self.consentField(form, site),
            FormField(
                name: "preferredTime", label: "Preferred time", value: form?["preferredTime"] ?? "",
                type: "datetime-local", error: errors["preferredTime"],
                hint: "When you would like to see it (\(site.workspace.timeZone) time); other times in the message"),
            FormField(
                name: "message", label: "Message", value: form?["message"] ?? "", type: "textarea",
                error: errors["message"]),
        ]
        let model = ListingPage(
            site: SiteLayout(site),
            listing: ListingCard(
                listing, site,
                photoUploadedAt: try await ListingPhotoStore(database: self.database.sql)
                    .info(of: listing.id, in: site.workspace.id)?.uploadedAt),
            request: SiteForm(
                action: "\(site.path)/listings/\(listing.id.rawValue)/showings", token: Self.tokenSlot,
                fields: fields, errors: errors.general, notice: notice, submit: "Request a showing",
                honeypot: Self.honeypotField))
        return self.pages.html("site-listing", model)
    }

    func requestShowing(_ request: Request, context: APIContext) async throws -> Response {
        let site = try await self.site(context)
        let listing = try await self.activeListing(context, site)
        let thanks = "\(site.path)/thanks/showing"
        switch try await self.receive(request, context, form: "showing", site: site) {
        case .bot(let reason):
            return try await self.caught(reason, site, form: "showing", context: context, thanks: thanks)
        case .expired(let form):
            return try await self.renderListingPage(
                site, listing, request: request, form: form, notice: Self.expiredNotice, status: .unprocessableContent)
        case .person(let form):
            do {
                let time = TextRules.trimmed(form["preferredTime"] ?? "")
                var preferred: Date?
                if !time.isEmpty {
                    guard let parsed = DashboardFormat.localTime(time, in: site.zone) else {
                        throw ValidationFailure(field: "preferredTime", message: "must be a date and a time")
                    }
                    guard parsed > self.clock.now else {
                        throw ValidationFailure(field: "preferredTime", message: "must be in the future")
                    }
                    preferred = parsed
                }
                _ = try await self.visitors.requestShowing(
                    of: listing.id, by: Self.details(form), preferredTime: preferred,
                    consent: self.consent(form, site, page: "\(site.path)/listings/\(listing.id.rawValue)"),
                    in: site.workspace.id)
                return DashboardPages.redirect(to: thanks)
            } catch let failure as ValidationFailure {
                return try await self.renderListingPage(
                    site, listing, request: request, form: form,
                    errors: FormErrors(failure.renaming("notes", to: "message"), fields: Self.showingFieldNames),
                    status: .unprocessableContent)
            }
        }
    }

    // MARK: - Sign-up

    struct FormPage: Sendable {
        var site: SiteLayout
        var title: String
        var intro: String
        var form: SiteForm
    }

    static let signUpFieldNames: Set<String> = ["name", "email", "phone"]

    func signUpPage(_ request: Request, context: APIContext) async throws -> Response {
        try await self.renderSignUp(try await self.site(context), request: request)
    }

    private func renderSignUp(
        _ site: Site, request: Request, form: DashboardForm? = nil, errors: FormErrors = FormErrors(),
        notice: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let issued = try await self.issue("signup", site, request)
        let fields = [
            FormField(name: "name", label: "Name", value: form?["name"] ?? "", error: errors["name"], required: true),
            FormField(
                name: "email", label: "Email", value: form?["email"] ?? "", type: "email", error: errors["email"],
                required: true),
            FormField(name: "phone", label: "Phone", value: form?["phone"] ?? "", type: "tel", error: errors["phone"]),
            Self.consentField(form, site),
        ]
        let model = FormPage(
            site: SiteLayout(site), title: "Sign up as a client",
            intro:
                "Work with \(site.agentName) on your search. We will email you a link: your sign-up is complete "
                + "when you open it.",
            form: SiteForm(
                action: "\(site.path)/signup", token: issued.token, fields: fields, errors: errors.general,
                notice: notice, submit: "Sign up", honeypot: Self.honeypotField))
        return self.render("site-form", model, issued: issued, status: status)
    }

    func signUp(_ request: Request, context: APIContext) async throws -> Response {
        let site = try await self.site(context)
        let thanks = "\(site.path)/thanks/signup"
        switch try await self.receive(request, context, form: "signup", site: site) {
        case .bot(let reason):
            return try await self.caught(reason, site, form: "signup", context: context, thanks: thanks)
        case .expired(let form):
            return try await self.renderSignUp(
                site, request: request, form: form, notice: Self.expiredNotice, status: .unprocessableContent)
        case .person(let form):
            let details = Self.details(form)
            let start: VisitorOperations.SignUpStart
            do {
                start = try await self.visitors.startSignUp(
                    details, consent: self.consent(form, site, page: "\(site.path)/signup"), in: site.workspace.id)
            } catch let failure as ValidationFailure {
                return try await self.renderSignUp(
                    site, request: request, form: form, errors: FormErrors(failure, fields: Self.signUpFieldNames),
                    status: .unprocessableContent)
            }
            let to = (try? TextRules.email(details.email)) ?? details.email
            let message: MailMessage
            switch start {
            case .confirm(let token):
                let link = "\(self.baseURL(request))\(site.path)/signup/confirm?token=\(token)"
                message = MailMessage(
                    to: to, subject: "Confirm your sign-up with \(site.agentName)",
                    text: """
                        Hello \(TextRules.trimmed(details.name)),

                        Open this link to finish signing up as a client of \(site.agentName):

                        \(link)

                        The link works for 48 hours. If you did not sign up, ignore this email: nothing is kept.
                        """)
            case .alreadyClient:
                message = MailMessage(
                    to: to, subject: "You are already signed up with \(site.agentName)",
                    text: """
                        Hello,

                        Someone, probably you, asked to sign up as a client of \(site.agentName) with this email \
                        address. You are signed up already, so there is nothing to do.
                        """)
            }
            do {
                try await self.mailer.send(message, from: self.configuration.mail.from)
            } catch {
                context.logger.error("Sign-up email not sent", metadata: ["error": .string(String(describing: error))])
                throw HTTPError(
                    .serviceUnavailable,
                    message: "We could not send the email just now. Please try again in a few minutes.")
            }
            return DashboardPages.redirect(to: thanks)
        }
    }

    /// Where visitors reach this server, for links in emails: the configured address, else the request's host.
    private func baseURL(_ request: Request) -> String {
        if let configured = self.configuration.baseURL { return configured }
        let scheme =
            self.secureCookies || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" ? "https" : "http"
        return "\(scheme)://\(request.head.authority ?? "127.0.0.1")"
    }

    struct ConfirmPage: Sendable {
        var site: SiteLayout
        var action: String
        var token: String
    }

    /// The link from the email opens a page with one button: a mail scanner that follows links confirms
    /// nothing, a person does with one click.
    func confirmPage(_ request: Request, context: APIContext) async throws -> Response {
        let site = try await self.site(context)
        let token = request.uri.queryParameters.get("token") ?? ""
        return self.pages.render(
            "site-confirm", ConfirmPage(site: SiteLayout(site), action: "\(site.path)/signup/confirm", token: token))
    }

    func confirm(_ request: Request, context: APIContext) async throws -> Response {
        let site = try await self.site(context)
        var request = request
        let form = DashboardForm(try await request.collectBody(upTo: self.configuration.maxFormBytes))
        switch try await self.visitors.confirmSignUp(token: form["token"] ?? "", in: site.workspace.id) {
        case .created, .alreadyDone:
            return DashboardPages.redirect(to: "\(site.path)/thanks/confirmed")
        case .invalid:
            return self.pages.render(
                "site-thanks",
                ThanksPage(
                    site: SiteLayout(site), title: "This link no longer works",
                    message: "It has expired or was never sent. Sign up again and we will email you a new link.",
                    links: [.init(text: "Sign up again", href: "\(site.path)/signup", current: false)], download: nil),
                status: .gone)
        }
    }

    // MARK: - The guide

    static let guideFieldNames: Set<String> = ["name", "email"]

    func guidePage(_ request: Request, context: APIContext) async throws -> Response {
        try await self.renderGuide(try await self.site(context), request: request)
    }

    private func renderGuide(
        _ site: Site, request: Request, form: DashboardForm? = nil, errors: FormErrors = FormErrors(),
        notice: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let title = site.guide.flatMap({ _ in site.profile.guideTitle }) else { throw NotFound("guide") }
        let issued = try await self.issue("guide", site, request)
        let fields = [
            FormField(name: "name", label: "Name", value: form?["name"] ?? "", error: errors["name"], required: true),
            FormField(
                name: "email", label: "Email", value: form?["email"] ?? "", type: "email", error: errors["email"],
                required: true),
        ]
        let model = FormPage(
            site: SiteLayout(site), title: title,
            intro: "Leave your name and email, and the guide is yours to download at once.",
            form: SiteForm(
                action: "\(site.path)/guide", token: issued.token, fields: fields, errors: errors.general,
                notice: notice, submit: "Get the guide", honeypot: Self.honeypotField))
        return self.render("site-form", model, issued: issued, status: status)
    }

    func requestGuide(_ request: Request, context: APIContext) async throws -> Response {
        let site = try await self.site(context)
        guard site.guide != nil else { throw NotFound("guide") }
        let thanks = "\(site.path)/thanks/guide?file=\(try await self.downloadToken(site))"
        switch try await self.receive(request, context, form: "guide", site: site) {
        case .bot(let reason):
            return try await self.caught(reason, site, form: "guide", context: context, thanks: thanks)
        case .expired(let form):
            return try await self.renderGuide(
                site, request: request, form: form, notice: Self.expiredNotice, status: .unprocessableContent)
        case .person(let form):
            do {
                _ = try await self.visitors.requestGuide(Self.details(form), in: site.workspace.id)
                return DashboardPages.redirect(to: thanks)
            } catch let failure as ValidationFailure {
                return try await self.renderGuide(
                    site, request: request, form: form, errors: FormErrors(failure, fields: Self.guideFieldNames),
                    status: .unprocessableContent)
            }
        }
    }

    /// The guide's download link works for an hour after the form: `issuedAt.signature`.
    static let downloadLifetime: TimeInterval = 60 * 60

    private func downloadToken(_ site: Site, issuedAt: Date? = nil) async throws -> String {
        let key = try await self.secrets.value(ServerSecrets.formSigningKey)
        let millis = (issuedAt ?? self.clock.now).millisecondsSince1970
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("guide-file|\(site.workspace.agentID.rawValue)|\(millis)".utf8),
            using: SymmetricKey(data: Data(key.utf8)))
        return "\(millis).\(Hex.encode(mac))"
    }

    func guideFile(_ request: Request, context: APIContext) async throws -> Response {
        let site = try await self.site(context)
        let sent = request.uri.queryParameters.get("t") ?? ""
        let parts = sent.split(separator: ".")
        guard parts.count == 2, let millis = Int64(parts[0]), millis >= 0, millis < 1 << 50 else {
            throw NotFound("guide")
        }
        let issued = Date(millisecondsSince1970: millis)
        let expected = try await self.downloadToken(site, issuedAt: issued)
        guard DashboardFormGuardMiddleware.constantTimeEqual(sent, expected),
            self.clock.now.timeIntervalSince(issued) < Self.downloadLifetime,
            let file = try await PublicProfileStore(database: self.database.sql).file(.guide, of: site.workspace.id)
        else { throw NotFound("guide") }
        return Response(
            status: .ok,
            headers: [
                .contentType: file.contentType,
                .contentDisposition: "attachment; filename=\"\(file.fileName)\"",
                .cacheControl: "private, no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(data: file.content)))
    }

    func photo(_ request: Request, context: APIContext) async throws -> Response {
        let site = try await self.site(context)
        guard let file = try await PublicProfileStore(database: self.database.sql).file(.photo, of: site.workspace.id)
        else { throw NotFound("photo") }
        return Self.image(file)
    }

    /// A photo as served: its address changes with each upload (`?v=`), so browsers may keep it a while.
    private static func image(_ file: PublicFile) -> Response {
        Response(
            status: .ok, headers: [.contentType: file.contentType, .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(data: file.content)))
    }

    /// An active listing's photo; none for any other listing.
    func listingPhoto(_ request: Request, context: APIContext) async throws -> Response {
        let site = try await self.site(context)
        let listing = try await self.activeListing(context, site)
        let photos = ListingPhotoStore(database: self.database.sql)
        guard let file = try await photos.photo(of: listing.id, in: site.workspace.id) else { throw NotFound("photo") }
        return Self.image(file)
    }

    // MARK: - Thank-you pages

    struct ThanksPage: Sendable {
        var site: SiteLayout
        var title: String
        var message: String
        var links: [DashboardLayout.Link]
        var download: String?
    }

    /// The page after each form. It shows nothing the visitor sent, so a shared link reveals no one's details.
    func thanks(_ request: Request, context: APIContext) async throws -> Response {
        let site = try await self.site(context)
        let home = DashboardLayout.Link(text: "Back to \(site.agentName)", href: site.path, current: false)
        let listings = DashboardLayout.Link(text: "See the listings", href: "\(site.path)/listings", current: false)
        let (title, message, download): (String, String, String?)
        switch context.parameters.get("form") {
        case "contact":
            (title, message, download) = ("Thank you", "Your message is on its way to \(site.agentName).", nil)
        case "showing":
            (title, message, download) = (
                "Thank you", "\(site.agentName) has your request and will be in touch to arrange the showing.", nil
            )
        case "signup":
            (title, message, download) = (
                "Check your email", "We sent you a link. Open it to finish signing up; it works for 48 hours.", nil
            )
        case "confirmed":
            (title, message, download) = (
                "You are signed up", "\(site.agentName) will be in touch. Welcome!", nil
            )
        case "guide":
            let token = request.uri.queryParameters.get("file") ?? ""
            (title, message, download) = (
                "Thank you", "Your guide is ready.",
                token.isEmpty ? nil : "\(site.path)/guide/file?t=\(token)"
            )
        default:
            throw NotFound("page")
        }
        return self.pages.render(
            "site-thanks",
            ThanksPage(
                site: SiteLayout(site), title: title, message: message, links: [home, listings], download: download))
    }
}
