import Foundation
import Hummingbird

/// Bodies for `/api/v1/api-keys`. The secret appears once, in `Created`, and never again.
package enum APIKeysAPI {
    package struct CreateKey: Decodable {
        package var name: String?
    }

    package struct KeyBody: ResponseCodable, Equatable {
        package var id: APIKey.ID
        package var name: String
        package var prefix: String
        package var status: String
        package var createdAt: Date
        package var lastUsedAt: Date?
        package var revokedAt: Date?

        package init(_ key: APIKey) {
            self.id = key.id
            self.name = key.name
            self.prefix = key.prefix
            self.status = key.isRevoked ? "revoked" : "active"
            self.createdAt = key.createdAt
            self.lastUsedAt = key.lastUsedAt
            self.revokedAt = key.revokedAt
        }
    }

    package struct Created: ResponseCodable {
        package var id: APIKey.ID
        package var name: String
        package var prefix: String
        /// The full key. Shown only in this answer: store it now.
        package var apiKey: String
        package var createdAt: Date
    }

    package struct KeyList: ResponseCodable {
        package var apiKeys: [KeyBody]
        package var total: Int

        package init(apiKeys: [KeyBody], total: Int) {
            self.apiKeys = apiKeys
            self.total = total
        }
    }

    /// A key's name: trimmed, 1–100 characters, "API key" when none is given.
    package static func validName(_ name: String?) throws -> String {
        guard let name, !TextRules.trimmed(name).isEmpty else { return "API key" }
        return try TextRules.required(name, field: "name", maxLength: 100)
    }
}
