import Foundation
import Hummingbird

/// The API gate's first step: finds the workspace key in `Authorization: Bearer alk_live_…` or `X-API-Key`,
/// and answers 401 for a missing, malformed, unknown, revoked or expired key.
struct APIKeyAuthenticator: RouterMiddleware {
    typealias Context = APIContext
    let database: LeadlightDatabase
    let clock: WallClock
    /// Keys read recently, by the hash of their secret (`ReadCache`): revoking one in this process takes effect
    /// at once, in another process within the cache window.
    let keys: ReadCache<APIKey>
    /// `last_used_at` is written at most this often per key, so authenticating is a read, not a write.
    static let usageRecordingInterval: TimeInterval = 60

    func handle(
        _ request: Request,
        context: APIContext,
        next: (Request, APIContext) async throws -> Response
    ) async throws -> Response {
        let presented = try Self.presentedKey(in: request.headers)
        guard let secret = APIKeySecret(presented: presented) else {
            throw APIError.unauthorized(
                "The API key is malformed: keys look like alk_live_ followed by 40 letters and digits.")
        }
        let found = try await self.keys.value(for: secret.hash) {
            try await APIKeyStore(database: self.database.sql).authenticate(secret)
        }
        guard let key = found else {
            throw APIError.unauthorized("The API key is not valid: it is unknown or has been revoked.")
        }
        let now = self.clock.now
        guard !key.isExpired(at: now) else {
            throw APIError.unauthorized("The API key has expired: create a new one under Settings → API.")
        }
        if key.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.usageRecordingInterval }) ?? true {
            do {
                try await self.database.transaction { tx in
                    try await APIKeyStore(database: tx).recordUse(
                        of: key.id, at: now, interval: Self.usageRecordingInterval)
                }
            } catch {
                context.logger.warning("Could not record API key use", metadata: ["error": .string("\(error)")])
            }
        }
        var context = context
        context.apiKey = key
        context.identify(key.workspaceID)
        return try await next(request, context)
    }

    /// The key from either documented header; `Authorization` wins when it carries a bearer token.
    static func presentedKey(in headers: HTTPFields) throws -> String {
        if let authorization = headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return TextRules.trimmed(String(parts[1]))
            }
            if headers[.apiKey] == nil {
                throw APIError.unauthorized("Use Authorization: Bearer alk_live_… or X-API-Key: alk_live_….")
            }
        }
        guard let key = headers[.apiKey].map(TextRules.trimmed), !key.isEmpty else {
            throw APIError.unauthorized(
                "An API key is required: send Authorization: Bearer alk_live_… or X-API-Key: alk_live_…."
            )
        }
        return key
    }
}
