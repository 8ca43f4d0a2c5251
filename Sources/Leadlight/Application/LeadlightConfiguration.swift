import Foundation
import Logging

/// Everything an operator can set, read once: flags (applied by the CLI), then `LEADLIGHT_*`, then defaults.
package struct LeadlightConfiguration: Sendable {
    package var host = "127.0.0.1"
    package var port = 8080
    package var database = DatabaseLocation(nil)
    /// Requests per minute per API key (DESIGN.md: 100).
    package var rateLimitPerMinute = 100
    /// Largest request body accepted; larger ones answer 413 before they are read.
    package var maxRequestBodyBytes = 10 * 1024 * 1024
    /// The largest file an import takes (`LEADLIGHT_MAX_IMPORT_BYTES`): imports stream, so this bounds time and
    /// disk, not memory.
    package var maxImportBytes = 1 << 30
    /// bcrypt cost for dashboard passwords.
    package var passwordHashCost: UInt8 = 12
    /// The proxies in front (nginx, a load balancer) whose `X-Forwarded-For` names the visitor; none unless set.
    package var trustedProxies = TrustedProxies()
    /// Dashboard cookies say `Secure` (sent over HTTPS only): set it when the server is reached over HTTPS.
    package var secureCookies = false
    package var logLevel: Logger.Level = .info
    /// Log lines as text for people, or as one JSON object a line for a log pipeline.
    package var logFormat: LogFormat = .text
    /// One `info` line per request (method, route, status, duration, workspace); otherwise those lines are `debug`.
    package var accessLog = false
    /// Where time comes from; tests replace it.
    package var clock: WallClock = .system
    package var webhooks = WebhookConfiguration()
    /// How long list answers and API keys read from the database are reused from memory at most. This process's
    /// own writes show at once; another process's (a second server, the CLI) within this window. Zero: off.
    package var readCacheWindow: Duration = .seconds(1)
    /// How long a SIGTERM waits for requests in flight and webhook attempts to finish before it cancels them:
    /// under the 30 seconds orchestrators (Kubernetes, systemd) give before their SIGKILL.
    package var shutdownGrace: Duration = .seconds(25)
    /// The agents' public sites: their forms' limits, and how their emails go out.
    package var publicSite = PublicSiteConfiguration()
    /// How long one request to `/mcp` may take before the tool is stopped and the client told (504).
    package var mcpTimeout: Duration = .seconds(30)
    /// Prometheus's `/metrics`, on a listener of its own; off unless a port is set.
    package var metrics = MetricsConfiguration()
    /// The HubSpot connector: its API, the sync schedule, the key its tokens are sealed with.
    package var hubspot = HubSpotConfiguration()

    /// A setting in the environment that cannot be used, named so the operator can fix it.
    package struct InvalidSetting: Error, CustomStringConvertible {
        package var name: String
        package var value: String
        package var expected: String
        package var description: String { "\(self.name)=\(self.value) is not valid: expected \(self.expected)" }
    }

    package init() {}

    package init(environment: [String: String]) throws {
        if let host = environment["LEADLIGHT_HOST"], !host.isEmpty { self.host = host }
        if let port = environment["LEADLIGHT_PORT"] {
            self.port = try Self.integer(port, name: "LEADLIGHT_PORT", in: 0...65535)
        }
        if let url = environment["LEADLIGHT_DATABASE_URL"], !url.isEmpty { self.database = DatabaseLocation(url) }
        if let limit = environment["LEADLIGHT_RATE_LIMIT"] {
            self.rateLimitPerMinute = try Self.integer(limit, name: "LEADLIGHT_RATE_LIMIT", in: 1...10_000_000)
        }
        if let bytes = environment["LEADLIGHT_MAX_BODY_BYTES"] {
            self.maxRequestBodyBytes = try Self.integer(bytes, name: "LEADLIGHT_MAX_BODY_BYTES", in: 1024...1 << 30)
        }
        if let bytes = environment["LEADLIGHT_MAX_IMPORT_BYTES"] {
            self.maxImportBytes = try Self.integer(bytes, name: "LEADLIGHT_MAX_IMPORT_BYTES", in: 1024...1 << 40)
        }
        if let cost = environment["LEADLIGHT_BCRYPT_COST"] {
            self.passwordHashCost = UInt8(try Self.integer(cost, name: "LEADLIGHT_BCRYPT_COST", in: 4...31))
        }
        if let proxies = environment["LEADLIGHT_TRUSTED_PROXIES"] {
            do {
                self.trustedProxies = try TrustedProxies(proxies)
            } catch {
                throw InvalidSetting(
                    name: "LEADLIGHT_TRUSTED_PROXIES", value: proxies,
                    expected: "addresses or CIDR ranges separated by commas (\(error.entry) is neither)")
            }
        }
        if let secure = environment["LEADLIGHT_SECURE_COOKIES"] {
            self.secureCookies = try Self.flag(secure, name: "LEADLIGHT_SECURE_COOKIES")
        }
        if let level = environment["LEADLIGHT_LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw InvalidSetting(
                    name: "LEADLIGHT_LOG_LEVEL", value: level, expected: "trace, debug, info, notice, warning or error"
                )
            }
            self.logLevel = parsed
        }
        if let format = environment["LEADLIGHT_LOG_FORMAT"], !format.isEmpty {
            guard let parsed = LogFormat(rawValue: format.lowercased()) else {
                throw InvalidSetting(name: "LEADLIGHT_LOG_FORMAT", value: format, expected: "text or json")
            }
            self.logFormat = parsed
        }
        if let access = environment["LEADLIGHT_ACCESS_LOG"] {
            self.accessLog = try Self.flag(access, name: "LEADLIGHT_ACCESS_LOG")
        }
        if let port = environment["LEADLIGHT_METRICS_PORT"], !port.isEmpty {
            self.metrics.port = try Self.integer(port, name: "LEADLIGHT_METRICS_PORT", in: 0...65535)
        }
        if let host = environment["LEADLIGHT_METRICS_HOST"], !host.isEmpty { self.metrics.host = host }
        if let grace = environment["LEADLIGHT_SHUTDOWN_GRACE"] {
            self.shutdownGrace = try Self.seconds(grace, name: "LEADLIGHT_SHUTDOWN_GRACE", in: 1...3600)
        }
        if let timeout = environment["LEADLIGHT_MCP_TIMEOUT"] {
            self.mcpTimeout = try Self.seconds(timeout, name: "LEADLIGHT_MCP_TIMEOUT", in: 1...600)
        }
        if let window = environment["LEADLIGHT_READ_CACHE_WINDOW"] {
            self.readCacheWindow = try Self.seconds(window, name: "LEADLIGHT_READ_CACHE_WINDOW", in: 0...60)
        }
        try self.readWebhookSettings(environment)
    }

    private mutating func readWebhookSettings(_ environment: [String: String]) throws {
        if let allow = environment["LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE"] {
            self.webhooks.allowPrivateTargets = try Self.flag(allow, name: "LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE")
        }
        if let worker = environment["LEADLIGHT_WEBHOOKS_WORKER"] {
            self.webhooks.runsWorkerInServer = try Self.flag(worker, name: "LEADLIGHT_WEBHOOKS_WORKER")
        }
        if let timeout = environment["LEADLIGHT_WEBHOOKS_TIMEOUT"] {
            self.webhooks.timeout = try Self.seconds(timeout, name: "LEADLIGHT_WEBHOOKS_TIMEOUT", in: 0.05...300)
        }
        if let schedule = environment["LEADLIGHT_WEBHOOKS_RETRY_SCHEDULE"] {
            guard let parsed = WebhookRetrySchedule(seconds: schedule) else {
                throw InvalidSetting(
                    name: "LEADLIGHT_WEBHOOKS_RETRY_SCHEDULE", value: schedule,
                    expected: "waits in seconds separated by commas, such as 10,60,300, each at most 2592000 (30 days)"
                )
            }
            self.webhooks.retrySchedule = parsed
        }
        if let after = environment["LEADLIGHT_WEBHOOKS_DISABLE_AFTER"] {
            self.webhooks.disableAfter = try Self.seconds(after, name: "LEADLIGHT_WEBHOOKS_DISABLE_AFTER", in: 1...1e8)
        }
        if let lease = environment["LEADLIGHT_WEBHOOKS_CLAIM_LEASE"] {
            self.webhooks.claimLease = try Self.seconds(lease, name: "LEADLIGHT_WEBHOOKS_CLAIM_LEASE", in: 0.1...86400)
        }
        if let concurrency = environment["LEADLIGHT_WEBHOOKS_CONCURRENCY"] {
            self.webhooks.concurrency = try Self.integer(
                concurrency, name: "LEADLIGHT_WEBHOOKS_CONCURRENCY", in: 1...1024)
        }
        if let poll = environment["LEADLIGHT_WEBHOOKS_POLL_INTERVAL"] {
            self.webhooks.pollInterval = try Self.seconds(poll, name: "LEADLIGHT_WEBHOOKS_POLL_INTERVAL", in: 0.01...60)
        }
        try self.readPublicSite(environment)
    }

    private mutating func readPublicSite(_ environment: [String: String]) throws {
        if let url = environment["LEADLIGHT_PUBLIC_URL"], !url.isEmpty {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil
            else {
                throw InvalidSetting(
                    name: "LEADLIGHT_PUBLIC_URL", value: url,
                    expected: "an http or https address, like https://crm.example.com")
            }
            self.publicSite.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if let seconds = environment["LEADLIGHT_FORM_MIN_SECONDS"] {
            let duration = try Self.seconds(seconds, name: "LEADLIGHT_FORM_MIN_SECONDS", in: 0...600)
            self.publicSite.minimumFillTime =
                Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        if let limit = environment["LEADLIGHT_FORM_LIMIT_PER_ADDRESS"] {
            self.publicSite.submissionsPerAddress = try Self.integer(
                limit, name: "LEADLIGHT_FORM_LIMIT_PER_ADDRESS", in: 1...10_000_000)
        }
        if let limit = environment["LEADLIGHT_FORM_LIMIT_PER_AGENT"] {
            self.publicSite.submissionsPerAgent = try Self.integer(
                limit, name: "LEADLIGHT_FORM_LIMIT_PER_AGENT", in: 1...10_000_000)
        }
        if let from = environment["LEADLIGHT_MAIL_FROM"], !from.isEmpty { self.publicSite.mail.from = from }
        if let folder = environment["LEADLIGHT_MAIL_DIR"], !folder.isEmpty { self.publicSite.mail.folder = folder }
        if let token = environment["LEADLIGHT_POSTMARK_TOKEN"], !token.isEmpty {
            self.publicSite.mail.postmarkToken = token
        }
        if let url = environment["LEADLIGHT_POSTMARK_BASE_URL"], !url.isEmpty {
            self.publicSite.mail.postmarkBaseURL = url
        }
        if let url = environment["LEADLIGHT_HUBSPOT_BASE_URL"], !url.isEmpty {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil
            else {
                throw InvalidSetting(name: "LEADLIGHT_HUBSPOT_BASE_URL", value: url, expected: "an http(s) URL")
            }
            self.hubspot.baseURL = url
        }
        if let minutes = environment["LEADLIGHT_HUBSPOT_SYNC_MINUTES"] {
            // fractions of a minute are for the tests
            guard let value = Double(minutes.trimmingCharacters(in: .whitespaces)),
                value == 0 || (0.01...10_080).contains(value)
            else {
                throw InvalidSetting(
                    name: "LEADLIGHT_HUBSPOT_SYNC_MINUTES", value: minutes,
                    expected: "minutes from 1 to 10080, or 0 to sync only when asked")
            }
            self.hubspot.syncInterval = value == 0 ? nil : .milliseconds(Int64(value * 60_000))
        }
        if let key = environment["LEADLIGHT_SECRET_KEY"], !key.isEmpty {
            guard SecretBox.key(from: key) != nil else {
                throw InvalidSetting(
                    name: "LEADLIGHT_SECRET_KEY", value: "(not shown)",
                    expected: "64 hex digits or 32 bytes in base64 (openssl rand -hex 32)")
            }
            self.hubspot.secretKey = key
        }
    }

    private static func flag(_ text: String, name: String) throws -> Bool {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off", "": return false
        default: throw InvalidSetting(name: name, value: text, expected: "1 or 0")
        }
    }

    private static func seconds(_ text: String, name: String, in range: ClosedRange<Double>) throws -> Duration {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw InvalidSetting(
                name: name, value: text, expected: "seconds from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return .milliseconds(Int64(value * 1000))
    }

    private static func integer(_ text: String, name: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw InvalidSetting(
                name: name, value: text, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return value
    }
}
