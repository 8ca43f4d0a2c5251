import Foundation
import HTTPTypes
import Hummingbird

/// What every dashboard answer carries: a Content-Security-Policy that runs only our own script and lets no
/// other site frame the page, no MIME sniffing, no referrer beyond this origin, and no caching of pages.
struct DashboardSecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = APIContext

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Turns an error below it into an HTML page (the API's are JSON): a bad form is shown again by its handler,
/// so what arrives here is a 403, a 404, a 429 or a fault, which is logged once with the request id.
struct DashboardErrorMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let pages: DashboardPages

    struct ErrorPage: Sendable {
        var title: String
        var message: String
        var requestID: String
        var signedIn: Bool
    }

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError(error)
            if apiError.isInternal {
                context.logger.error(
                    "Dashboard request failed",
                    metadata: ["error": .string(String(reflecting: error)), "path": .string(request.uri.path)])
            }
            let title =
                switch apiError.status.code {
                case 403: "Not allowed"
                case 404: "Not found"
                case 429: "Too many attempts"
                case 500...: "Something went wrong"
                default: "That did not work"
                }
            let message = apiError.isInternal ? "The server could not do that. It has been logged." : apiError.message
            let page = ErrorPage(
                title: title, message: message, requestID: context.requestID, signedIn: context.session != nil)
            return self.pages.render("error", page, status: apiError.status)
        }
    }
}

/// Finds the browser's session from its cookie, when it has one that has not expired.
struct DashboardSessionMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let database: LeadlightDatabase
    let clock: WallClock

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        var context = context
        let now = self.clock.now
        if let token = request.cookies[DashboardSession.cookieName]?.value, !token.isEmpty,
            let session = try await DashboardSessionStore(database: self.database.sql).find(token: token, at: now)
        {
            if now.timeIntervalSince(session.lastSeenAt) > DashboardSession.touchInterval {
                try await self.database.transaction { tx in
                    try await DashboardSessionStore(database: tx).touch(session, at: now)
                }
            }
            context.session = session
        }
        return try await next(request, context)
    }
}

/// The signed-in pages: a signed-out visitor is sent to `/login`, and back to the page afterwards. A signed-in
/// one's workspace is read once here for the page.
struct DashboardSignInRequiredMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let database: LeadlightDatabase

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        if let session = context.session,
            let workspace = try await WorkspaceStore(database: self.database.sql).find(session.workspaceID)
        {
            var context = context
            context.sessionWorkspace = workspace
            context.identify(workspace.id)
            return try await next(request, context)
        }
        let path = request.uri.path
        let query = request.uri.query.map { "?\($0)" } ?? ""
        let next = request.method == .get && path != "/" ? "?next=\(SafeRedirect.encode(path + query))" : ""
        return DashboardPages.redirect(to: "/login\(next)")
    }
}

/// A state-changing request must come from our own pages: its `Origin`, when the browser sends one, is this
/// server's host, and a signed-in session's form carries that session's CSRF token (`_csrf`). Otherwise 403,
/// and nothing changes. The form body is read here, within the body limit, and left for the handler.
struct DashboardFormGuardMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        guard request.method == .post else { return try await next(request, context) }
        try Self.checkOrigin(of: request)
        // a file sent to an import is streamed, never held whole: its page checks the token, its form's first field
        if Self.streamsItsBody(request) { return try await next(request, context) }
        var request = request
        let body = try await request.collectBody(upTo: context.maxRequestBodyBytes)
        if let session = context.session {
            let form = try DashboardForm(body, contentType: request.headers[.contentType])
            guard let sent = form["_csrf"], Self.constantTimeEqual(sent, session.csrfToken) else { throw Self.expired }
        }
        return try await next(request, context)
    }

    static let expired = HTTPError(
        .forbidden, message: "This form has expired or was not sent from this page. Go back and try again.")

    /// A file uploaded to an import (`ImportPages.upload`, which checks the form's token as it reads it).
    static func streamsItsBody(_ request: Request) -> Bool {
        let path = request.uri.path
        return ImportKind.allCases.contains { path == "/\($0.rawValue)/import" }
            && request.headers[.contentType].flatMap { MIMEMultipart.boundary(of: $0, subtype: "form-data") } != nil
    }

    /// A browser names the page a form came from in `Origin`: when it does, it must be this server's host.
    static func checkOrigin(of request: Request) throws {
        guard let origin = request.headers[.origin] else { return }
        let host = request.head.authority ?? ""
        guard let url = URL(string: origin), let originHost = url.host,
            Self.hostAndPort(originHost, url.port) == host.lowercased()
        else { throw HTTPError(.forbidden, message: "This form was sent from another site.") }
    }

    private static func hostAndPort(_ host: String, _ port: Int?) -> String {
        (port.map { "\(host):\($0)" } ?? host).lowercased()
    }

    static func constantTimeEqual(_ left: String, _ right: String) -> Bool {
        let (a, b) = (Array(left.utf8), Array(right.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Where a sign-in may send the browser next: a path of this site only (`/leads?status=new`), never another
/// site (`//evil.example`, `https://…`, `/\evil`), so the sign-in page cannot be made an open redirect.
enum SafeRedirect {
    static func path(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"),
            !next.contains(where: { $0.isNewline || $0 == "\\" }), next.count <= 2000
        else { return "/" }
        return next
    }

    static func encode(_ path: String) -> String {
        path.addingPercentEncoding(
            withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=?+#")))
            ?? "/"
    }
}
