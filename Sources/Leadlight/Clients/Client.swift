import Foundation

/// A person the agent works for (seeds/001), moving through the buying pipeline.
package struct Client: Sendable, Equatable, Archivable {
    package typealias ID = Identifier<Client>
    static let idPrefix = "cli"

    package var id: ID
    package var workspaceID: Workspace.ID
    package var name: String
    /// Trimmed and lower-cased; unique in the workspace.
    package var email: String
    package var phone: PhoneNumber?
    package var notes: String?
    package var buyingStage: BuyingStage
    /// When the buying stage last changed (or the client was created).
    package var stageChangedAt: Date
    package var createdAt: Date
    package var updatedAt: Date
    /// When it was archived (lists leave it out unless asked); nil while it is in use.
    package var archivedAt: Date? = nil
}
