// The Swift verifier of docs/webhooks.md, word for word: WebhookVerificationDocsTests checks that the two
// stay the same and runs it on real deliveries.
import Crypto
import Foundation

enum LeadlightWebhookError: Error { case missingHeader, tooOld, badSignature }

/// Returns the parsed payload, or throws. `headers` names must be lower-case.
func verifyLeadlightWebhook(body: Data, headers: [String: String], secret: String) throws -> [String: Any] {
    guard let id = headers["webhook-id"], let timestamp = headers["webhook-timestamp"],
        let signatures = headers["webhook-signature"], let seconds = TimeInterval(timestamp)
    else { throw LeadlightWebhookError.missingHeader }
    guard abs(Date().timeIntervalSince1970 - seconds) <= 5 * 60 else { throw LeadlightWebhookError.tooOld }
    guard let key = Data(base64Encoded: String(secret.dropFirst("whsec_".count))) else {
        throw LeadlightWebhookError.badSignature
    }
    let signed = Data("\(id).\(timestamp).".utf8) + body
    let given = signatures.split(separator: " ").filter { $0.hasPrefix("v1,") }.compactMap {
        Data(base64Encoded: String($0.dropFirst(3)))
    }
    let valid = given.contains { signature in
        HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signed, using: SymmetricKey(data: key))
    }
    guard valid else { throw LeadlightWebhookError.badSignature }
    return try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
}
