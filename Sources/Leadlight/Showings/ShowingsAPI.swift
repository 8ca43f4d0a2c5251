import Foundation
import Hummingbird

/// Bodies for `/api/v1/showings`. JSON keys are a contract; never rename one.
package enum ShowingsAPI {
    /// `{"success": true, "showingId": "…"}`
    package struct Created: ResponseCodable, Equatable {
        package var success = true
        package var showingId: Showing.ID
    }

    /// A showing as the API shows it; every field is present, null when empty.
    package struct ShowingBody: ResponseCodable, Equatable {
        package var id: Showing.ID
        package var clientId: Client.ID
        package var listingId: Listing.ID
        package var preferredTime: Date?
        package var notes: String?
        package var status: ShowingStatus
        package var createdAt: Date
        package var updatedAt: Date
        /// When it was archived; null while it is in use.
        package var archivedAt: Date?

        package init(_ showing: Showing) {
            self.id = showing.id
            self.clientId = showing.clientID
            self.listingId = showing.listingID
            self.preferredTime = showing.preferredTime
            self.notes = showing.notes
            self.status = showing.status
            self.createdAt = showing.createdAt
            self.updatedAt = showing.updatedAt
            self.archivedAt = showing.archivedAt
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            try container.encode(self.clientId, forKey: .clientId)
            try container.encode(self.listingId, forKey: .listingId)
            try container.encode(self.preferredTime, forKey: .preferredTime)
            try container.encode(self.notes, forKey: .notes)
            try container.encode(self.status, forKey: .status)
            try container.encode(self.createdAt, forKey: .createdAt)
            try container.encode(self.updatedAt, forKey: .updatedAt)
            try container.encode(self.archivedAt, forKey: .archivedAt)
        }
    }

    /// `{"showings": [...], "total": N}`
    package struct ShowingList: ResponseCodable {
        package var showings: [ShowingBody]
        package var total: Int
    }
}
