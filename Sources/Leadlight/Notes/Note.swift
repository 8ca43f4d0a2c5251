import Foundation

/// A note on a lead or a client: what the agent wrote, when. Notes are kept as written; a new one is added
/// rather than an old one changed.
package struct Note: Sendable, Equatable, IdentifiedResource {
    package typealias ID = Identifier<Note>
    static let idPrefix = "note"

    static let maxLength = 5000

    package var id: ID
    package var workspaceID: Workspace.ID
    /// The lead's or the client's id.
    package var subjectID: String
    package var text: String
    package var createdAt: Date
}
