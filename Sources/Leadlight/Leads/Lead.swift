import Foundation

/// A person who showed interest: from the public site, an import, or the API (seeds/001).
package struct Lead: Sendable, Equatable, Archivable {
    package typealias ID = Identifier<Lead>
    static let idPrefix = "lead"

    package var id: ID
    package var workspaceID: Workspace.ID
    package var name: String
    /// Trimmed and lower-cased.
    package var email: String?
    package var phone: PhoneNumber?
    package var source: String?
    package var propertyAddress: String?
    package var notes: String?
    package var status: LeadStatus
    /// The client this lead was converted into.
    package var clientID: Client.ID?
    package var createdAt: Date
    package var updatedAt: Date
    /// When it was archived (lists leave it out unless asked); nil while it is in use.
    package var archivedAt: Date? = nil
}
