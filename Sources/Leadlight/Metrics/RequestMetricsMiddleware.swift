import Hummingbird

/// Counts each request for `/metrics` once its answer's last byte is written (or, if it fails before it has an
/// answer, once it fails), by route pattern, method and status.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let metrics: ServerMetrics

    func handle(
        _ request: Request,
        context: APIContext,
        next: (Request, APIContext) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let method = request.method.rawValue
        self.metrics.requestStarted()
        do {
            var response = try await next(request, context)
            let status = response.status.code
            let body = response.body
            let route = context.route
            response.body = ResponseBody(contentLength: body.contentLength) { [metrics] writer in
                defer {
                    metrics.requestFinished(
                        route: route, method: method, status: status, duration: ContinuousClock.now - started)
                }
                try await body.write(writer)
            }
            return response
        } catch {
            let status = APIContext.status(of: error)
            self.metrics.requestFinished(
                route: context.route, method: method, status: status,
                duration: ContinuousClock.now - started)
            throw error
        }
    }
}
