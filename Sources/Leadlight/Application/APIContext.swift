import Foundation
import Hummingbird

/// The request context of every route: the request id, and once the API gate has passed, the caller's key.
package struct APIContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Echoed in `X-Request-Id` and in every error body; taken from the client's header when it sent a sane one.
    package var requestID: String = ""
    /// Set by `APIKeyAuthenticator`; nil outside the gate.
    package var apiKey: APIKey?
    /// Set by `RequestBodyLimitMiddleware`.
    package var maxRequestBodyBytes = 10 * 1024 * 1024

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// The workspace of the calling key: every query of a handler is scoped to it.
    package var workspaceID: Workspace.ID {
        get throws {
            guard let apiKey else { throw APIError.unauthorized("An API key is required.") }
            return apiKey.workspaceID
        }
    }

    package var responseEncoder: JSONEncoder { LeadlightJSON.encoder() }
    package var maxUploadSize: Int { self.maxRequestBodyBytes }
}
