import Foundation
import Hummingbird

/// Bodies for `/api/v1/listings`, as seeds/001 spells them. JSON keys are a contract; never rename one.
package enum ListingsAPI {
    /// `{"success": true, "listingId": "…"}`
    package struct Created: ResponseCodable, Equatable {
        package var success = true
        package var listingId: Listing.ID
    }

    /// A listing as the API shows it: `price`, `bedrooms`, `bathrooms` (2.5 stays 2.5) and `sqft` as numbers.
    package struct ListingBody: ResponseCodable, Equatable {
        package var id: Listing.ID
        package var address: String
        package var price: Decimal
        package var bedrooms: Int?
        package var bathrooms: Decimal?
        package var sqft: Int?
        package var description: String?
        package var status: ListingStatus
        package var createdAt: Date
        package var updatedAt: Date
        /// When it was archived; null while it is in use.
        package var archivedAt: Date?

        package init(_ listing: Listing) {
            self.id = listing.id
            self.address = listing.address
            self.price = listing.price.decimal
            self.bedrooms = listing.bedrooms
            self.bathrooms = listing.bathroomTenths.map { Decimal($0) / 10 }
            self.sqft = listing.sqft
            self.description = listing.description
            self.status = listing.status
            self.createdAt = listing.createdAt
            self.updatedAt = listing.updatedAt
            self.archivedAt = listing.archivedAt
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            try container.encode(self.address, forKey: .address)
            try container.encode(self.price, forKey: .price)
            try container.encode(self.bedrooms, forKey: .bedrooms)
            try container.encode(self.bathrooms, forKey: .bathrooms)
            try container.encode(self.sqft, forKey: .sqft)
            try container.encode(self.description, forKey: .description)
            try container.encode(self.status, forKey: .status)
            try container.encode(self.createdAt, forKey: .createdAt)
            try container.encode(self.updatedAt, forKey: .updatedAt)
            try container.encode(self.archivedAt, forKey: .archivedAt)
        }
    }

    /// `{"listings": [...], "total": N}`
    package struct ListingList: ResponseCodable {
        package var listings: [ListingBody]
        package var total: Int
    }
}
