import Crypto
import Foundation

/// The hidden token of every public-site form: when the page was served, a random nonce that the same answer
/// also sets as a cookie, and an HMAC over both, the agent and the form. It is the site's time trap and its
/// CSRF guard for visitors who have no session:
///
/// - a form posted sooner than a person could fill it (`minimumFillTime`), or with a token that does not
///   verify, is a bot's: it gets the usual thank-you page and nothing is stored;
/// - a token older than `maximumAge` (a tab left open overnight) brings the form back with what was typed and
///   a fresh token, so a person loses nothing and a replayed old token stores nothing;
/// - another site cannot post a working form: the browser sends the nonce cookie (`SameSite=Lax`) only with
///   requests from this site's own pages, and the token names the nonce.
struct FormToken: Sendable, Equatable {
    var form: String
    var agentID: String
    var issuedAt: Date
    var nonce: String

    static let cookieName = "leadlight_form"
    static let maximumAge: TimeInterval = 12 * 60 * 60

    enum Verdict: Equatable {
        case person
        /// Posted too soon after the page was served, or with a token this server did not sign.
        case bot(reason: String)
        /// Signed here, but too long ago: show the form again.
        case expired
        /// The browser did not send the cookie of the page: not posted from this site (or cookies are off).
        case crossSite
    }

    static func issue(form: String, agentID: String, at now: Date) -> FormToken {
        FormToken(form: form, agentID: agentID, issuedAt: now, nonce: Base62.random(count: 22))
    }

    /// `issuedAt.nonce.signature`, safe in a form field.
    func encoded(key: String) -> String {
        "\(self.issuedAt.millisecondsSince1970).\(self.nonce).\(self.signature(key: key))"
    }

    private func signature(key: String) -> String {
        let message = "\(self.form)|\(self.agentID)|\(self.issuedAt.millisecondsSince1970)|\(self.nonce)"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data(key.utf8)))
        return Hex.encode(mac)
    }

    /// Judges the token a form came back with, and the nonce cookie its browser sent.
    static func verdict(
        of sent: String?, cookie: String?, form: String, agentID: String, key: String, now: Date,
        minimumFillTime: TimeInterval
    ) -> Verdict {
        guard let sent, sent.utf8.count <= 200 else { return .bot(reason: "no form token") }
        let parts = sent.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let millis = Int64(parts[0]), millis >= 0, millis < 1 << 50 else {
            return .bot(reason: "a malformed form token")
        }
        let token = FormToken(
            form: form, agentID: agentID, issuedAt: Date(millisecondsSince1970: millis), nonce: String(parts[1]))
        guard DashboardFormGuardMiddleware.constantTimeEqual(String(parts[2]), token.signature(key: key)) else {
            return .bot(reason: "a form token this server did not sign")
        }
        guard let cookie, DashboardFormGuardMiddleware.constantTimeEqual(cookie, token.nonce) else {
            return .crossSite
        }
        let age = now.timeIntervalSince(token.issuedAt)
        if age < minimumFillTime { return .bot(reason: "sent \(Int(age * 1000)) ms after the page was served") }
        if age > Self.maximumAge { return .expired }
        return .person
    }
}
