import Hummingbird

/// Refuses a body over the configured size with 413 before reading it, when `Content-Length` says so,
/// and tells the JSON decoder the limit for bodies that arrive chunked.
struct RequestBodyLimitMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let maxBytes: Int

    func handle(
        _ request: Request,
        context: APIContext,
        next: (Request, APIContext) async throws -> Response
    ) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > self.maxBytes {
            throw APIError.payloadTooLarge(limit: self.maxBytes)
        }
        var context = context
        context.maxRequestBodyBytes = self.maxBytes
        return try await next(request, context)
    }
}
