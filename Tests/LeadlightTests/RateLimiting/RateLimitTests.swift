import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// 100 requests per minute per key by default, headers on every answer, 429 with Retry-After (DESIGN.md).
@Suite struct RateLimitTests {
    @Test(arguments: TestDatabase.available)
    func everyAnswerCarriesTheLimitHeadersErrorsIncluded(on database: TestDatabase) async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_010))
        try await withTestApp(database, configure: { $0.clock = clock.wallClock }) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let ok = try await client.get("/api/v1/workspace", key: key)
                let notFound = try await client.get("/api/v1/api-keys/key_missing", key: key)
                let badBody = try await client.send(.patch, "/api/v1/workspace", body: Data("{".utf8), key: key)
                for (index, response) in [ok, notFound, badBody].enumerated() {
                    #expect(response.headers[.rateLimitLimit] == "100")
                    #expect(response.headers[.rateLimitRemaining] == String(99 - index))
                    // the window is the minute 1_800_000_000 ... 1_800_000_060
                    #expect(response.headers[.rateLimitReset] == "1800000060")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func pastTheLimitAnswers429WithRetryAfterUntilTheWindowEnds(on database: TestDatabase) async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_015))
        try await withTestApp(
            database,
            configure: {
                $0.clock = clock.wallClock; $0.rateLimitPerMinute = 3
            }
        ) { app, seed in
            let key = try await seed.apiKey()
            let otherKey = try await seed.apiKey()
            try await app.test(.router) { client in
                for _ in 0..<3 { #expect(try await client.get("/api/v1/workspace", key: key).status == .ok) }
                let limited = try await client.get("/api/v1/workspace", key: key)
                #expect(limited.status == .tooManyRequests)
                #expect(limited.headers[.retryAfter] == "45")
                #expect(limited.headers[.rateLimitRemaining] == "0")
                #expect(try limited.error.error.code == "rate_limited")
                // another key has its own count
                #expect(try await client.get("/api/v1/workspace", key: otherKey).status == .ok)
                clock.advance(by: 44.5)
                let stillLimited = try await client.get("/api/v1/workspace", key: key)
                #expect(stillLimited.status == .tooManyRequests)
                #expect(stillLimited.headers[.retryAfter] == "1")
                clock.advance(by: 1)
                let nextWindow = try await client.get("/api/v1/workspace", key: key)
                #expect(nextWindow.status == .ok)
                #expect(nextWindow.headers[.rateLimitRemaining] == "2")
            }
        }
    }

    @Test func theLimitIsConfigurableFromTheEnvironment() throws {
        let configuration = try LeadlightConfiguration(environment: ["LEADLIGHT_RATE_LIMIT": "250"])
        #expect(configuration.rateLimitPerMinute == 250)
        #expect(throws: LeadlightConfiguration.InvalidSetting.self) {
            try LeadlightConfiguration(environment: ["LEADLIGHT_RATE_LIMIT": "many"])
        }
        #expect(try LeadlightConfiguration(environment: [:]).rateLimitPerMinute == 100)
    }

    /// The shared limiter counts concurrent requests together, and still gives each its own count: as many
    /// allowed as the limit, not one more, whatever the interleaving.
    @Test(arguments: TestDatabase.available)
    func concurrentRequestsAreCountedTogetherAndEachGetsItsOwnCount(on database: TestDatabase) async throws {
        try await database.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { opened in
                try await Migrator(database: opened).migrate(logger: TestDatabase.logger)
                let limiter = DatabaseRateLimiter(database: opened.sql)
                let now = Date()
                let decisions = try await withThrowingTaskGroup(of: RateLimitDecision.self) { group in
                    for _ in 0..<60 {
                        group.addTask { try await limiter.consume(bucket: "key:concurrent", limit: 25, now: now) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(decisions.map(\.count).sorted() == Array(1...60))
                #expect(decisions.filter(\.isAllowed).count == 25)
                let next = try await limiter.consume(bucket: "key:concurrent", limit: 25, now: now)
                #expect(next.count == 61 && !next.isAllowed)
                let other = try await limiter.consume(bucket: "key:other", limit: 25, now: now)
                #expect(other.count == 1, "buckets are counted apart")
                let later = try await limiter.consume(
                    bucket: "key:concurrent", limit: 25, now: now.addingTimeInterval(60))
                #expect(later.count == 1, "a new window starts afresh")
            }
        }
    }
}
