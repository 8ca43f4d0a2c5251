import Foundation
import Hummingbird

/// Bodies for `/api/v1/clients`, exactly as seeds/001 spells them. JSON keys are a contract; never rename one.
package enum ClientsAPI {
    /// `{"success": true, "clientId": "…"}`
    package struct Created: ResponseCodable, Equatable {
        package var success = true
        package var clientId: Client.ID
    }

    /// A client as the API shows it; every field is present, null when empty.
    package struct ClientBody: ResponseCodable, Equatable {
        package var id: Client.ID
        package var name: String
        package var email: String
        package var phone: String?
        package var notes: String?
        package var buyingStage: BuyingStage
        package var stageChangedAt: Date
        package var createdAt: Date
        package var updatedAt: Date
        /// When it was archived; null while it is in use.
        package var archivedAt: Date?

        package init(_ client: Client) {
            self.id = client.id
            self.name = client.name
            self.email = client.email
            self.phone = client.phone?.text
            self.notes = client.notes
            self.buyingStage = client.buyingStage
            self.stageChangedAt = client.stageChangedAt
            self.createdAt = client.createdAt
            self.updatedAt = client.updatedAt
            self.archivedAt = client.archivedAt
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            try container.encode(self.name, forKey: .name)
            try container.encode(self.email, forKey: .email)
            try container.encode(self.phone, forKey: .phone)
            try container.encode(self.notes, forKey: .notes)
            try container.encode(self.buyingStage, forKey: .buyingStage)
            try container.encode(self.stageChangedAt, forKey: .stageChangedAt)
            try container.encode(self.createdAt, forKey: .createdAt)
            try container.encode(self.updatedAt, forKey: .updatedAt)
            try container.encode(self.archivedAt, forKey: .archivedAt)
        }
    }

    /// `{"clients": [...], "total": N}`
    package struct ClientList: ResponseCodable {
        package var clients: [ClientBody]
        package var total: Int
    }
}
