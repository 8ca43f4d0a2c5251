import Foundation
import Hummingbird
import NIOCore

/// The request context of every route: the request id, and once the API gate has passed, the caller's key
/// (or, on the dashboard, the signed-in session).
package struct APIContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Echoed in `X-Request-Id` and in every error body; taken from the client's header when it sent a sane one.
    package var requestID: String = ""
    /// Set by `APIKeyAuthenticator`; nil outside the gate.
    package var apiKey: APIKey?
    /// Set by `RequestBodyLimitMiddleware`.
    package var maxRequestBodyBytes = 10 * 1024 * 1024
    /// Set by `DashboardSessionMiddleware` for a signed-in browser; nil elsewhere.
    package var session: DashboardSession?
    /// Set by `DashboardSignInRequiredMiddleware`: the signed-in session's workspace.
    package var sessionWorkspace: Workspace?
    /// Set by `AccessLogMiddleware` when it logs: what inner middleware tells it (`identify`).
    var requestFacts: RequestFacts?
    /// The peer's address: the visitor's, or a proxy's when one is in front.
    package var remoteAddress: SocketAddress?
    /// Set by `ClientAddressMiddleware` when the peer is a trusted proxy: the visitor's address it forwarded.
    package var forwardedClientAddress: String?

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The workspace of the calling key: every query of a handler is scoped to it.
    package var workspaceID: Workspace.ID {
        get throws {
            guard let apiKey else { throw APIError.unauthorized("An API key is required.") }
            return apiKey.workspaceID
        }
    }

    /// The visitor's address, for the limits kept per address (sign-in attempts, the public site's forms): the
    /// peer's, or behind a trusted proxy the one it forwarded.
    package var clientAddress: String {
        self.forwardedClientAddress ?? self.remoteAddress?.ipAddress ?? "unknown"
    }

    package var responseEncoder: JSONEncoder { LeadlightJSON.encoder() }
    package var maxUploadSize: Int { self.maxRequestBodyBytes }
}

extension APIContext {
    /// The pattern of the route that answered (`/api/v1/leads/{id}`), for logs and metrics: never the path, so
    /// what a path carries stays out of them and every path no route matches is one `NotFound`, as Hummingbird
    /// names it.
    var route: String { self.endpointPath ?? "NotFound" }

    /// The status a thrown error will be answered with, for middleware outside the one that answers it.
    static func status(of error: any Error) -> Int {
        (error as? any HTTPResponseError)?.status.code ?? 500
    }
}
