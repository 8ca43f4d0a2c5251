import Foundation

/// One agent's (or team's) space: everything else belongs to exactly one workspace.
package struct Workspace: Sendable, Equatable, IdentifiedResource {
    package typealias ID = Identifier<Workspace>
    static let idPrefix = "wsp"

    package var id: ID
    package var name: String
    /// The public slug: used in webhook payloads (`agentId`) and public site URLs (`/a/{agentId}`).
    package var agentID: AgentID
    package var currency: CurrencyCode
    package var timeZone: String
    package var createdAt: Date
    package var updatedAt: Date
}
