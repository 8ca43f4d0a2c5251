import Foundation

/// A stored API key: never the secret itself, only its SHA-256 and a display prefix (DESIGN.md, Auth).
package struct APIKey: Sendable, Equatable, IdentifiedResource {
    package typealias ID = Identifier<APIKey>
    static let idPrefix = "key"

    package var id: ID
    package var workspaceID: Workspace.ID
    package var name: String
    /// The first characters of the secret, e.g. `alk_live_3fA9xQ`, so a person can tell keys apart.
    package var prefix: String
    package var secretHash: String
    package var createdAt: Date
    package var lastUsedAt: Date?
    package var revokedAt: Date?
    /// When the key stops working; nil when it never does.
    package var expiresAt: Date? = nil

    package var isRevoked: Bool { self.revokedAt != nil }

    /// Whether the key has expired by `now`.
    package func isExpired(at now: Date) -> Bool { self.expiresAt.map { $0 <= now } ?? false }

    /// `active`, `expired` or `revoked`, as the API and the dashboard show it.
    package func status(at now: Date) -> String {
        self.isRevoked ? "revoked" : self.isExpired(at: now) ? "expired" : "active"
    }
}
