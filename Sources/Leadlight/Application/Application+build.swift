import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the whole server: stores, controllers, middleware. The CLI and the tests run exactly this.
package func buildApplication(
    _ configuration: LeadlightConfiguration,
    database: LeadlightDatabase,
    logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let router = try buildRouter(configuration, database: database)
    var services: [any Service] = []
    if configuration.webhooks.runsWorkerInServer {
        services.append(
            WebhookDeliveryService(
                database: database, configuration: configuration.webhooks, clock: configuration.clock, logger: logger
            )
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
func buildRouter(_ configuration: LeadlightConfiguration, database: LeadlightDatabase) throws -> Router<APIContext> {
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
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: APIErrorMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: RequestBodyLimitMiddleware(maxBytes: configuration.maxRequestBodyBytes))

    let health = HealthController(database: database)
    router.get("healthz", use: health.live)
    router.get("readyz", use: health.ready)
    router.get("api/v1/openapi.json", use: try OpenAPIController().show)

    let api = router.group("api/v1")
        .add(middleware: APIKeyAuthenticator(database: database, clock: clock, keys: keys))
        .add(
            middleware: RateLimitMiddleware(
                limiter: rateLimiter, limitPerMinute: configuration.rateLimitPerMinute, clock: clock)
        )
        .add(middleware: APIErrorMiddleware())  // errors below become responses that still get rate-limit headers
    api.addRoutes(WorkspaceController(database: database, clock: clock).routes, atPath: "workspace")
    api.addRoutes(APIKeysController(database: database, clock: clock).routes, atPath: "api-keys")
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
    return router
}
