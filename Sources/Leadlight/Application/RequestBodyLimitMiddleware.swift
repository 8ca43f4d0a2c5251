import Hummingbird

/// Refuses a body over the configured size with 413 before reading it, when `Content-Length` says so,
/// and tells the JSON decoder the limit for bodies that arrive chunked. A file sent to an import (a path ending
/// in `/import`) has a limit of its own: it is read as it streams, never held whole.
struct RequestBodyLimitMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let maxBytes: Int
    let maxImportBytes: Int

    func handle(
        _ request: Request,
        context: APIContext,
        next: (Request, APIContext) async throws -> Response
    ) async throws -> Response {
        let limit = request.uri.path.hasSuffix("/import") ? self.maxImportBytes : self.maxBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError.payloadTooLarge(limit: limit)
        }
        var context = context
        context.maxRequestBodyBytes = limit
        return try await next(request, context)
    }
}
