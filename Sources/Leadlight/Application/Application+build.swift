import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the whole server: stores, controllers, middleware. The CLI and the tests run exactly this.
package func buildApplication(
    _ configuration: LeadlightConfiguration,
    database: LeadlightDatabase,
    logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in },
    onMetricsRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let metrics = configuration.metrics.port.map { _ in ServerMetrics() }
    let hubspotSyncs = HubSpotSyncWakeups()
    let router = try buildRouter(
        configuration, database: database, metrics: metrics, logger: logger, hubspotSyncs: hubspotSyncs)
    var services: [any Service] = [
        HubSpotSyncService(
            operations: HubSpotConnectionOperations(
                database: database, clock: configuration.clock, configuration: configuration.hubspot, logger: logger,
                metrics: metrics),
            wakeups: hubspotSyncs)
    ]
    if configuration.webhooks.runsWorkerInServer {
        services.append(
            WebhookDeliveryService(
                database: database, configuration: configuration.webhooks, clock: configuration.clock, logger: logger,
                metrics: metrics
            )
        )
    }
    if let metrics, let port = configuration.metrics.port {
        services.append(
            MetricsServer.application(
                configuration.metrics, port: port, metrics: metrics, database: database, clock: configuration.clock,
                logger: logger, onRunning: onMetricsRunning)
        )
    }
    return Application(
        router: router,
        // One per connection: lets clients that write their whole body first read an early answer (a 413).
        server: .http1(configuration: .init(additionalChannelHandlers: [LingeringCloseHandler()])),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "Leadlight"
        ),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

/// Every route, on one screen.
func buildRouter(
    _ configuration: LeadlightConfiguration, database: LeadlightDatabase, metrics: ServerMetrics? = nil,
    logger: Logger = Logger(label: "leadlight"), hubspotSyncs: HubSpotSyncWakeups = HubSpotSyncWakeups()
) throws -> Router<APIContext> {
    let clock = configuration.clock
    let rateLimiter: any RateLimiter =
        switch database.dialect {
        case .sqlite: InMemoryRateLimiter()  // one process owns a SQLite file
        case .postgres: DatabaseRateLimiter(database: database.sql)  // shared by every process
        }

    let lists = ListResponseCache(
        cache: ReadCache(
            window: configuration.readCacheWindow, writes: database.commits.writes,
            capacity: ListResponseCache.capacityBytes,
            cost: \.readableBytes))
    // Keys are read again after a transaction that changed one, not after every write.
    let keys = ReadCache<APIKey>(window: configuration.readCacheWindow, writes: database.commits.keyWrites)

    let router = Router(context: APIContext.self)
    if let metrics { router.add(middleware: RequestMetricsMiddleware(metrics: metrics)) }
    router.add(middleware: RequestIDMiddleware())
    if !configuration.trustedProxies.isEmpty {
        router.add(middleware: ClientAddressMiddleware(trusted: configuration.trustedProxies))
    }
    router.add(middleware: AccessLogMiddleware(level: configuration.accessLog ? .info : .debug))
    router.add(middleware: APIErrorMiddleware())
    router.add(
        middleware: RequestBodyLimitMiddleware(
            maxBytes: configuration.maxRequestBodyBytes, maxImportBytes: configuration.maxImportBytes))

    let health = HealthController(database: database)
    router.get("healthz", use: health.live)
    router.get("readyz", use: health.ready)
    router.get("api/v1/openapi.json", use: try OpenAPIController().show)

    let api = router.group("api/v1")
        .add(middleware: APIKeyAuthenticator(database: database, clock: clock, keys: keys))
        .add(
            middleware: RateLimitMiddleware(
                limiter: rateLimiter, limitPerMinute: configuration.rateLimitPerMinute, clock: clock,
                metrics: metrics)
        )
        .add(middleware: APIErrorMiddleware())  // errors below become responses that still get rate-limit headers
    api.addRoutes(WorkspaceController(database: database, clock: clock).routes, atPath: "workspace")
    api.addRoutes(APIKeysController(database: database, clock: clock).routes, atPath: "api-keys")
    api.addRoutes(MeController(database: database, clock: clock).routes, atPath: "me")
    api.addRoutes(EventsController(database: database).routes, atPath: "events")
    let imports = ImportsController(operations: CSVImportOperations(database: database, clock: clock, metrics: metrics))
    api.post("products/import", use: imports.importOfferings)
    api.post("leads/import", use: imports.importLeads)
    api.post("clients/import", use: imports.importClients)
    api.addRoutes(imports.routes, atPath: "imports")
    api.addRoutes(OfferingsController(database: database, clock: clock, lists: lists).routes, atPath: "products")
    api.addRoutes(LeadsController(database: database, clock: clock, lists: lists).routes, atPath: "leads")
    api.addRoutes(ClientsController(database: database, clock: clock, lists: lists).routes, atPath: "clients")
    api.addRoutes(ListingsController(database: database, clock: clock, lists: lists).routes, atPath: "listings")
    api.addRoutes(ShowingsController(database: database, clock: clock, lists: lists).routes, atPath: "showings")
    api.addRoutes(
        WebhooksController(
            database: database, clock: clock,
            policy: WebhookTargetPolicy(allowPrivate: configuration.webhooks.allowPrivateTargets)
        ).routes,
        atPath: "webhooks"
    )
    // MCP for AI assistants: the same key, rate limit and workspace scoping as the API
    MCPEndpoint(
        database: database, clock: clock, allowedHosts: MCPEndpoint.allowedHosts(configuration),
        timeout: configuration.mcpTimeout, metrics: metrics, lists: lists
    ).addRoutes(
        to: router.group("mcp")
            .add(middleware: APIKeyAuthenticator(database: database, clock: clock, keys: keys))
            .add(
                middleware: RateLimitMiddleware(
                    limiter: rateLimiter, limitPerMinute: configuration.rateLimitPerMinute, clock: clock,
                    metrics: metrics)
            )
            .add(middleware: APIErrorMiddleware()))
    InboundEmailController(
        operations: EmailImportOperations(database: database, clock: clock),
        maxBytes: min(configuration.maxRequestBodyBytes, EmailImportOperations.maxEmailBytes)
    ).addRoutes(to: router)
    try addDashboard(
        to: router, configuration, database: database, limiter: rateLimiter, metrics: metrics, logger: logger,
        hubspotSyncs: hubspotSyncs)
    return router
}

/// The agent's dashboard: server-rendered pages under `/`, signed in with the owner login (docs/DASHBOARD.md).
private func addDashboard(
    to router: Router<APIContext>, _ configuration: LeadlightConfiguration, database: LeadlightDatabase,
    limiter: any RateLimiter, metrics: ServerMetrics?, logger: Logger, hubspotSyncs: HubSpotSyncWakeups
) throws {
    let pages = try DashboardPages.load()
    let clock = configuration.clock
    router.get("static/app.css") { _, _ in DashboardPages.asset(pages.stylesheet, type: "text/css; charset=utf-8") }
    router.get("static/app.js") { _, _ in
        DashboardPages.asset(pages.script, type: "text/javascript; charset=utf-8")
    }
    router.get("static/site.css") { _, _ in
        DashboardPages.asset(pages.siteStylesheet, type: "text/css; charset=utf-8")
    }
    let site = router.group("a/{agentID}")
        .add(middleware: PublicSiteHeadersMiddleware())
        .add(middleware: PublicSiteErrorMiddleware(pages: pages))
        .add(middleware: PublicSiteOriginMiddleware())
    PublicSitePages(
        database: database, clock: clock, pages: pages, configuration: configuration.publicSite,
        secrets: ServerSecrets(database: database.sql), limiter: limiter,
        mailer: configuration.publicSite.mail.mailer(),
        secureCookies: configuration.secureCookies,
        sites: ReadCache(window: configuration.readCacheWindow, writes: database.commits.siteWrites),
        shownListings: ReadCache(window: configuration.readCacheWindow, writes: database.commits.writes),
        sharedPages: ReadCache(
            window: configuration.readCacheWindow, writes: database.commits.writes, capacity: 16 << 20,
            cost: { $0.size })
    ).addRoutes(to: site)
    let dashboard = router.group()
        .add(middleware: DashboardSecurityHeadersMiddleware())
        .add(middleware: DashboardErrorMiddleware(pages: pages))
        .add(middleware: DashboardSessionMiddleware(database: database, clock: clock))
        .add(middleware: DashboardFormGuardMiddleware())
    SignInController(
        database: database, clock: clock, hasher: PasswordHasher(cost: configuration.passwordHashCost),
        limiter: limiter, secureCookies: configuration.secureCookies, pages: pages
    ).addRoutes(to: dashboard)
    let signedIn = dashboard.group().add(middleware: DashboardSignInRequiredMiddleware(database: database))
    signedIn.get("/", use: OverviewController(database: database, clock: clock, pages: pages).show)
    LeadPages(database: database, clock: clock, pages: pages).addRoutes(to: signedIn)
    ClientPages(database: database, clock: clock, pages: pages).addRoutes(to: signedIn)
    ListingPages(database: database, clock: clock, pages: pages).addRoutes(to: signedIn)
    ShowingPages(database: database, clock: clock, pages: pages).addRoutes(to: signedIn)
    OfferingPages(database: database, clock: clock, pages: pages).addRoutes(to: signedIn)
    ImportPages(
        database: database, clock: clock, pages: pages, maxBytes: configuration.maxImportBytes, metrics: metrics
    ).addRoutes(to: signedIn)
    WorkspaceSettingsPages(
        database: database, clock: clock, pages: pages, hasher: PasswordHasher(cost: configuration.passwordHashCost)
    ).addRoutes(to: signedIn)
    PublicSiteSettingsPages(database: database, clock: clock, pages: pages).addRoutes(to: signedIn)
    EmailImportSettingsPages(
        database: database, clock: clock, pages: pages, baseURL: configuration.publicSite.baseURL
    ).addRoutes(to: signedIn)
    IntegrationSettingsPages(
        hubspot: HubSpotConnectionOperations(
            database: database, clock: clock, configuration: configuration.hubspot, logger: logger),
        wakeups: hubspotSyncs, pages: pages
    ).addRoutes(to: signedIn)
    APISettingsPages(
        database: database, clock: clock, pages: pages,
        policy: WebhookTargetPolicy(allowPrivate: configuration.webhooks.allowPrivateTargets)
    ).addRoutes(to: signedIn)
}
