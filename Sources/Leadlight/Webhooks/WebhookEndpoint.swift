import Foundation

/// A URL that receives a workspace's events, signed with its own secret.
package struct WebhookEndpoint: Sendable, Equatable, IdentifiedResource {
    package typealias ID = Identifier<WebhookEndpoint>
    static let idPrefix = "whk"

    package var id: ID
    package var workspaceID: Workspace.ID
    package var url: String
    package var events: WebhookEventSelection
    package var description: String?
    package var secret: WebhookSecret
    /// False when the owner turned it off, or Leadlight did (`disabledReason` says why).
    package var enabled: Bool
    package var disabledReason: String?
    /// When the current run of failed attempts began; nil while deliveries succeed.
    package var failingSince: Date?
    package var createdAt: Date
    package var updatedAt: Date
}
