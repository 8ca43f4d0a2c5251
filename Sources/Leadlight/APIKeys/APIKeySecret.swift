import Crypto
import Foundation

/// The secret half of an API key: `alk_live_` and at least 32 base62 characters.
/// It exists in memory only while a key is created (to show it once) or presented (to find its hash).
package struct APIKeySecret: Sendable, Equatable {
    package static let scheme = "alk_live_"
    /// Characters after the scheme in keys we issue (238 bits); at least 32 are required when presented.
    static let generatedLength = 40
    static let minimumLength = 32
    static let maximumLength = 128
    static let displayedCharacters = 6

    package let value: String

    package static func generate() -> APIKeySecret {
        APIKeySecret(checked: Self.scheme + Base62.random(count: Self.generatedLength))
    }

    /// Parses a key a client presented; nil when it cannot be one of ours (then no database lookup is made).
    package init?(presented text: String) {
        guard text.hasPrefix(Self.scheme) else { return nil }
        let body = text.dropFirst(Self.scheme.count)
        guard (Self.minimumLength...Self.maximumLength).contains(body.utf8.count), Base62.isBase62(body) else {
            return nil
        }
        self.value = text
    }

    private init(checked value: String) {
        self.value = value
    }

    /// Lower-case hex SHA-256: what the database stores and looks keys up by.
    package var hash: String {
        Hex.encode(SHA256.hash(data: Data(self.value.utf8)))
    }

    package var displayPrefix: String {
        String(self.value.prefix(Self.scheme.count + Self.displayedCharacters))
    }
}
