import Foundation

/// A client's request to see a listing.
package struct Showing: Sendable, Equatable, Archivable {
    package typealias ID = Identifier<Showing>
    static let idPrefix = "shw"

    package var id: ID
    package var workspaceID: Workspace.ID
    package var clientID: Client.ID
    package var listingID: Listing.ID
    /// When the client would like to see the listing, if they said.
    package var preferredTime: Date?
    package var notes: String?
    package var status: ShowingStatus
    package var createdAt: Date
    package var updatedAt: Date
    /// When it was archived (lists leave it out unless asked); nil while it is in use.
    package var archivedAt: Date? = nil
}
