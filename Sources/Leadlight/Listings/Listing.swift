import Foundation

/// A property for sale (seeds/001: address, price, bedrooms, bathrooms, sqft).
package struct Listing: Sendable, Equatable, Archivable {
    package typealias ID = Identifier<Listing>
    static let idPrefix = "lst"

    package var id: ID
    package var workspaceID: Workspace.ID
    package var address: String
    package var price: Money
    package var bedrooms: Int?
    /// In tenths, so 2.5 bathrooms is exact.
    package var bathroomTenths: Int?
    package var sqft: Int?
    package var description: String?
    package var status: ListingStatus
    package var createdAt: Date
    package var updatedAt: Date
    /// When it was archived (lists leave it out unless asked); nil while it is in use.
    package var archivedAt: Date? = nil
}
