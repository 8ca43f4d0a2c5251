import Foundation

/// A dashboard login. Its password is stored only as a bcrypt hash.
package struct User: Sendable, Equatable, IdentifiedResource {
    package typealias ID = Identifier<User>
    static let idPrefix = "usr"

    package var id: ID
    package var workspaceID: Workspace.ID
    package var email: String
    package var passwordHash: String
    package var role: UserRole
    package var createdAt: Date
    package var updatedAt: Date
}
