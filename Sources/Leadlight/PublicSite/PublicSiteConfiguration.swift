import Foundation

/// How the agents' public sites (`/a/{agentId}`) take visitors' forms (docs/PUBLIC-SITE.md).
package struct PublicSiteConfiguration: Sendable {
    /// The address visitors reach the server at (`LEADLIGHT_PUBLIC_URL`), for links in emails; without it, the
    /// request's own host.
    package var baseURL: String?
    /// A form sent sooner than this after its page was served is a bot's (`LEADLIGHT_FORM_MIN_SECONDS`).
    package var minimumFillTime: TimeInterval = 2
    /// Form submissions a minute from one address (`LEADLIGHT_FORM_LIMIT_PER_ADDRESS`) and to one agent's site
    /// from anywhere (`LEADLIGHT_FORM_LIMIT_PER_AGENT`); past them, a 429 page.
    package var submissionsPerAddress = 10
    package var submissionsPerAgent = 600
    /// The largest form body a visitor may send.
    package var maxFormBytes = 32 * 1024
    package var mail = MailConfiguration()

    package init() {}
}
