import Foundation
import HTTPTypes
import Hummingbird

/// What every public-site answer carries: a Content-Security-Policy that runs no script at all (the site needs
/// none) and lets no other site frame it, no MIME sniffing, and no caching of pages that hold a form's token.
struct PublicSiteHeadersMiddleware: RouterMiddleware {
    typealias Context = APIContext

    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' https: data:; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'"

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "strict-origin-when-cross-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Turns an error below it into the site's own page: an unknown agent or listing (404), a body too large
/// (413), too many submissions (429) or a fault (logged once with the request id; the visitor sees no detail).
struct PublicSiteErrorMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let pages: DashboardPages

    struct ErrorPage: Sendable {
        var title: String
        var message: String
        var requestID: String
    }

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let tooMany as PublicSiteTooManySubmissions {
            var response = self.pages.render(
                "site-error",
                ErrorPage(title: "Too many messages", message: tooMany.message, requestID: context.requestID),
                status: .tooManyRequests)
            response.headers[.retryAfter] = String(tooMany.retryAfterSeconds)
            return response
        } catch {
            let apiError = APIError(error)
            if apiError.isInternal {
                context.logger.error(
                    "Public site request failed",
                    metadata: ["error": .string(String(reflecting: error)), "path": .string(request.uri.path)])
            }
            let (title, message): (String, String) =
                switch apiError.status.code {
                case 404:
                    (
                        "Page not found",
                        "There is no such page here. Check the address, or start again from the agent's page."
                    )
                case 413:
                    ("Too much to send", "That form held more than it can take. Shorten the message and send it again.")
                case 500...:
                    ("Something went wrong", "The page could not be shown just now. Please try again in a minute.")
                default: ("That did not work", apiError.message)
                }
            return self.pages.render(
                "site-error", ErrorPage(title: title, message: message, requestID: context.requestID),
                status: apiError.status)
        }
    }
}

/// Past the public site's submission limits: the visitor is told how long to wait.
struct PublicSiteTooManySubmissions: Error {
    var retryAfterSeconds: Int64
    var message: String {
        "This site has had too many messages just now. Wait \(self.retryAfterSeconds) seconds, then send yours again."
    }
}

/// A visitor's form must come from this site's own pages: `Origin`, when the browser sends it, is this server's
/// host (as on the dashboard). The form token and its cookie (`FormToken`) check the rest.
struct PublicSiteOriginMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        if request.method == .post { try DashboardFormGuardMiddleware.checkOrigin(of: request) }
        return try await next(request, context)
    }
}
