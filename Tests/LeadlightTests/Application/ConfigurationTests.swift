import Testing

@testable import Leadlight

/// Every setting read from the environment is bounded before it becomes arithmetic (issue 16): a hostile or
/// mistyped value is an `InvalidSetting` naming it, never a trap at start-up.
@Suite struct ConfigurationTests {
    static let numericSettings = [
        "LEADLIGHT_PORT", "LEADLIGHT_RATE_LIMIT", "LEADLIGHT_MAX_BODY_BYTES", "LEADLIGHT_BCRYPT_COST",
        "LEADLIGHT_READ_CACHE_WINDOW", "LEADLIGHT_WEBHOOKS_TIMEOUT", "LEADLIGHT_WEBHOOKS_RETRY_SCHEDULE",
        "LEADLIGHT_WEBHOOKS_DISABLE_AFTER", "LEADLIGHT_WEBHOOKS_CLAIM_LEASE", "LEADLIGHT_WEBHOOKS_CONCURRENCY",
        "LEADLIGHT_WEBHOOKS_POLL_INTERVAL", "LEADLIGHT_MCP_TIMEOUT", "LEADLIGHT_HUBSPOT_SYNC_MINUTES",
    ]
    static let hostileValues = [
        "1e300", "inf", "-inf", "nan", "99999999999999999999", "-1", "", "ten", "10,1e300", "10,,60",
    ]

    @Test(arguments: Self.numericSettings)
    func aHostileValueIsRefusedNamingTheSetting(_ name: String) {
        for value in Self.hostileValues {
            do {
                _ = try LeadlightConfiguration(environment: [name: value])
                Issue.record("\(name)=\(value) was accepted")
            } catch let error as LeadlightConfiguration.InvalidSetting {
                #expect(error.name == name && error.value == value)
            } catch {
                Issue.record("\(name)=\(value): \(error)")
            }
        }
    }

    @Test func aRetryScheduleIsWaitsInSecondsUpToThirtyDays() throws {
        let schedule = try #require(WebhookRetrySchedule(seconds: "0, 1.5,60,2592000"))
        #expect(schedule.waits == [.zero, .milliseconds(1500), .seconds(60), .seconds(2_592_000)])
        #expect(WebhookRetrySchedule(seconds: "2592001") == nil)
        #expect(WebhookRetrySchedule(seconds: "10,") == nil)
    }

    /// The HubSpot connector's settings: the schedule (0 for none), its API, and a secret key that is checked at
    /// start-up but never repeated in the error.
    @Test func theHubSpotScheduleAndTheSecretKey() throws {
        #expect(try LeadlightConfiguration(environment: [:]).hubspot.syncInterval == .seconds(3600))
        let every15 = try LeadlightConfiguration(environment: ["LEADLIGHT_HUBSPOT_SYNC_MINUTES": "15"])
        #expect(every15.hubspot.syncInterval == .seconds(900) && every15.hubspot.pollInterval == .seconds(30))
        let never = try LeadlightConfiguration(environment: ["LEADLIGHT_HUBSPOT_SYNC_MINUTES": "0"])
        #expect(never.hubspot.syncInterval == nil)
        let key = String(repeating: "ab", count: 32)
        #expect(try LeadlightConfiguration(environment: ["LEADLIGHT_SECRET_KEY": key]).hubspot.secretKey == key)
        do {
            _ = try LeadlightConfiguration(environment: ["LEADLIGHT_SECRET_KEY": "hunter2-secret"])
            Issue.record("a short key was accepted")
        } catch let error as LeadlightConfiguration.InvalidSetting {
            #expect(error.name == "LEADLIGHT_SECRET_KEY" && !error.description.contains("hunter2"))
        }
        #expect(throws: LeadlightConfiguration.InvalidSetting.self) {
            try LeadlightConfiguration(environment: ["LEADLIGHT_HUBSPOT_BASE_URL": "ftp://example.com"])
        }
    }
}
