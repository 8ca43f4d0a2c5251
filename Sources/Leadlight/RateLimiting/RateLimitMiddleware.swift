import Hummingbird

/// Counts each authenticated request against its key's limit, puts `X-RateLimit-*` on every answer
/// (errors included), and answers 429 with `Retry-After` past the limit.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let limiter: any RateLimiter
    let limitPerMinute: Int
    let clock: WallClock
    /// Told of each refusal, when metrics are on.
    var metrics: ServerMetrics?

    func handle(
        _ request: Request,
        context: APIContext,
        next: (Request, APIContext) async throws -> Response
    ) async throws -> Response {
        guard let key = context.apiKey else { return try await next(request, context) }
        let now = self.clock.now
        let decision = try await self.limiter.consume(bucket: "key:\(key.id)", limit: self.limitPerMinute, now: now)
        var headers: HTTPFields = [
            .rateLimitLimit: String(decision.limit),
            .rateLimitRemaining: String(decision.remaining),
            .rateLimitReset: String(decision.resetEpochSeconds),
        ]
        guard decision.isAllowed else {
            self.metrics?.rateLimitRefused()
            let retryAfter = decision.retryAfterSeconds(now: now)
            headers[.retryAfter] = String(retryAfter)
            throw APIError(
                status: .tooManyRequests, code: "rate_limited",
                message: "Rate limit of \(decision.limit) requests per minute exceeded for this API key. "
                    + "Retry after \(retryAfter) seconds.",
                headers: headers
            )
        }
        var response = try await next(request, context)
        response.headers.append(contentsOf: headers)
        return response
    }
}
