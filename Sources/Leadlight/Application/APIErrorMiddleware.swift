import Foundation
import Hummingbird
import Logging

/// Turns any error thrown below it into the JSON error answer. Never HTML, never empty, never a stack trace:
/// an unexpected error is logged here, once, keyed by request id, and the client gets a plain 500.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(
        _ request: Request,
        context: APIContext,
        next: (Request, APIContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError(error)
            if apiError.isInternal {
                context.logger.error(
                    "Request failed",
                    metadata: ["error": .string(String(reflecting: error)), "path": .string(request.uri.path)]
                )
            }
            return Self.response(for: apiError, requestID: context.requestID)
        }
    }

    static func response(for error: APIError, requestID: String) -> Response {
        var headers = error.headers
        headers[.contentType] = "application/json; charset=utf-8"
        let body = (try? LeadlightJSON.encoder().encode(APIErrorBody(error, requestID: requestID))) ?? Data()
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
