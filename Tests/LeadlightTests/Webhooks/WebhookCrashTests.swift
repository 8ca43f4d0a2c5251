import Foundation
import SQLKit
import Testing

@testable import Leadlight

/// At least once, across crashes and processes (issue 5): a server killed with SIGKILL mid-delivery delivers
/// everything after a restart, with duplicates bounded by what was in flight; two workers on one PostgreSQL
/// never send an event twice when nothing fails.
@Suite(.takingTurns) struct WebhookCrashTests {
    /// A workspace with an endpoint for every event at `url`, and `count` lead events queued for it.
    private static func queue(_ count: Int, to url: String, in location: DatabaseLocation) async throws -> Set<String> {
        try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
            try await Migrator(database: database).migrate(logger: TestDatabase.logger)
            let workspace = try await TestSeed(database: database, clock: .system).workspace().workspace.id
            let now = Date()
            let endpoint = WebhookEndpoint(
                id: .generate(), workspaceID: workspace, url: url, events: .all, description: nil, secret: .generate(),
                enabled: true, disabledReason: nil, failingSince: nil, createdAt: now, updatedAt: now
            )
            try await WebhookEndpointStore(database: database.sql).insert(endpoint)
            var events: Set<String> = []
            for start in stride(from: 0, to: count, by: 100) {
                let ids = try await database.transaction { tx in
                    var ids: [String] = []
                    for number in start..<min(start + 100, count) {
                        let event = try await Outbox(database: tx).record(
                            .leadCreated, ["name": "Lead \(number)"], in: workspace, at: now)
                        ids.append(event.id.rawValue)
                    }
                    return ids
                }
                events.formUnion(ids)
            }
            return events
        }
    }

    @Test(arguments: TestDatabase.available)
    func aKill9DuringDeliveryLosesNothingAndDuplicatesAtMostWhatWasInFlight(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            let receiver = WebhookReceiver()
            try await receiver.start()
            receiver.answer(.init(status: .ok, delay: .milliseconds(20)))
            let events = try await Self.queue(400, to: receiver.url, in: location)
            let concurrency = 16
            // a 5 s claim lease: longer than any attempt takes on a busy machine (so only the kill makes a
            // duplicate), short enough that the restarted server soon takes over what the killed one held
            let environment = [
                "LEADLIGHT_DATABASE_URL": location.databaseURL, "LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE": "1",
                "LEADLIGHT_WEBHOOKS_POLL_INTERVAL": "0.05", "LEADLIGHT_WEBHOOKS_CLAIM_LEASE": "5",
                "LEADLIGHT_WEBHOOKS_CONCURRENCY": "\(concurrency)",
            ]
            let first = try await ServerProcess.start(environment: environment)
            _ = try await receiver.waitForArrivals(120)
            await first.kill9()
            let beforeKill = receiver.arrivals.count
            #expect(beforeKill < events.count, "the kill came in the middle of the deliveries")

            let second = try await ServerProcess.start(environment: environment)
            let deadline = ContinuousClock.now + .seconds(60)
            while Set(receiver.arrivals.map(\.eventID)) != events, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(300))  // anything else still coming
            await second.stop()
            await receiver.stop()

            let arrived = receiver.arrivals.map(\.eventID)
            #expect(Set(arrived) == events, "every event arrived")
            let duplicates = arrived.count - Set(arrived).count
            #expect(duplicates <= concurrency, "\(duplicates) duplicates; at most \(concurrency) were in flight")
        }
    }

    @Test(.enabled(if: TestDatabase.postgresURL != nil))
    func twoWorkersOnOnePostgreSQLNeverSendAnEventTwice() async throws {
        try await TestDatabase.postgres.withFreshLocation { location in
            let receiver = WebhookReceiver()
            try await receiver.start()
            let events = try await Self.queue(1000, to: receiver.url, in: location)
            let environment = [
                "LEADLIGHT_DATABASE_URL": location.databaseURL, "LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE": "1",
                "LEADLIGHT_WEBHOOKS_POLL_INTERVAL": "0.02", "LEADLIGHT_WEBHOOKS_CONCURRENCY": "8",
            ]
            async let first = WorkerProcess.start(environment: environment)
            async let second = WorkerProcess.start(environment: environment)
            let workers = try await [first, second]
            _ = try await receiver.waitForArrivals(1000, timeout: .seconds(60))
            try await Task.sleep(for: .milliseconds(500))  // a second send would come now
            for worker in workers { #expect(await worker.stop() == 0) }
            await receiver.stop()

            let arrived = receiver.arrivals.map(\.eventID)
            #expect(Set(arrived) == events)
            #expect(arrived.count == 1000, "\(arrived.count - Set(arrived).count) events were sent twice")
        }
    }
}
