import Foundation
import Hummingbird

/// Bodies for `/api/v1/api-keys`. The secret appears once, in `Created`, and never again.
package enum APIKeysAPI {
    package struct CreateKey: Decodable {
        package var name: String?
        /// An ISO 8601 time in the future; left out, the key never expires.
        package var expiresAt: String?
    }

    package struct KeyBody: ResponseCodable, Equatable {
        package var id: APIKey.ID
        package var name: String
        package var prefix: String
        package var status: String
        package var createdAt: Date
        package var lastUsedAt: Date?
        package var revokedAt: Date?
        package var expiresAt: Date?

        package init(_ key: APIKey, at now: Date) {
            self.id = key.id
            self.name = key.name
            self.prefix = key.prefix
            self.status = key.status(at: now)
            self.createdAt = key.createdAt
            self.lastUsedAt = key.lastUsedAt
            self.revokedAt = key.revokedAt
            self.expiresAt = key.expiresAt
        }
    }

    package struct Created: ResponseCodable {
        package var id: APIKey.ID
        package var name: String
        package var prefix: String
        /// The full key. Shown only in this answer: store it now.
        package var apiKey: String
        package var createdAt: Date
        package var expiresAt: Date?
    }

    package struct KeyList: ResponseCodable {
        package var apiKeys: [KeyBody]
        package var total: Int

        package init(apiKeys: [KeyBody], total: Int) {
            self.apiKeys = apiKeys
            self.total = total
        }
    }

    /// The longest a key may be made to live: ten years.
    package static let longestLife: TimeInterval = 10 * 366 * 86_400

    /// An `expiresAt` as sent: an ISO 8601 time, or nil (never); whether it is in the future is the operation's.
    package static func expiry(_ text: String?) throws -> Date? {
        guard let text else { return nil }
        guard let date = LeadlightJSON.date(TextRules.trimmed(text)) else {
            throw ValidationFailure(field: "expiresAt", message: "must be an ISO 8601 time, like 2027-06-30T00:00:00Z")
        }
        return date
    }

    /// A key's name: trimmed, 1–100 characters, "API key" when none is given.
    package static func validName(_ name: String?) throws -> String {
        guard let name, !TextRules.trimmed(name).isEmpty else { return "API key" }
        return try TextRules.required(name, field: "name", maxLength: 100)
    }
}
