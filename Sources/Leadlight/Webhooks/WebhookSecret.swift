import Crypto
import Foundation

/// An endpoint's signing secret: `whsec_` and the base64 of 32 random bytes, as Standard Webhooks spells it.
///
/// The same text serves both signatures Leadlight sends: seeds/001's `X-OrganicAgent-Signature` keys its HMAC
/// with the text itself (`crypto.createHmac("sha256", webhookSecret)`), Standard Webhooks with the decoded bytes.
/// It is stored as is, because signing needs it; it is shown once, at creation and at rotation.
package struct WebhookSecret: Sendable, Equatable, CustomStringConvertible {
    package let value: String

    package init(value: String) {
        self.value = value
    }

    static let prefix = "whsec_"

    static func generate() -> WebhookSecret {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return WebhookSecret(value: Self.prefix + bytes.base64EncodedString())
    }

    /// Never the secret itself, so it cannot reach a log by accident.
    package var description: String { "whsec_…" }

    /// seeds/001: `hex(HMAC-SHA256(secret, JSON.stringify(payload.data) + payload.timestamp))`.
    func organicAgentSignature(data: String, timestamp: String) -> String {
        var message = Data(data.utf8)
        message.append(contentsOf: timestamp.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(self.value.utf8)))
        return Hex.encode(Data(mac))
    }

    /// Standard Webhooks: `v1,` and the base64 of HMAC-SHA256 over `id.timestamp.body`, keyed by the decoded secret.
    func standardSignature(id: String, timestampSeconds: Int64, body: String) -> String {
        let encoded = self.value.hasPrefix(Self.prefix) ? String(self.value.dropFirst(Self.prefix.count)) : self.value
        let key = Data(base64Encoded: encoded) ?? Data(self.value.utf8)
        let message = Data("\(id).\(timestampSeconds).\(body)".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }
}
