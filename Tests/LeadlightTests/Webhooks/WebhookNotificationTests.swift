import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// On PostgreSQL a worker in another process (`leadlight worker` beside `leadlight serve`) hears of new deliveries
/// at commit through `NOTIFY`, instead of at its next poll.
@Suite(.takingTurns) struct WebhookNotificationTests {
    @Test(.enabled(if: TestDatabase.postgresURL != nil))
    func aWorkerInAnotherProcessStartsAtCommitNotAtItsNextPoll() async throws {
        try await TestDatabase.postgres.withFreshLocation { location in
            var configuration = LeadlightConfiguration()
            configuration.database = location
            configuration.passwordHashCost = 4
            configuration.webhooks.allowPrivateTargets = true
            configuration.webhooks.runsWorkerInServer = false  // the server only records
            var worker = configuration.webhooks
            worker.pollInterval = .seconds(120)  // so only a notification can wake it within the test
            let receiver = WebhookReceiver()
            try await receiver.start()
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await Migrator(database: database).migrate(logger: TestDatabase.logger)
                let app = try buildApplication(configuration, database: database, logger: TestDatabase.logger)
                let key = try await TestSeed(database: database, clock: .system).apiKey()
                try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { elsewhere in
                    let service = WebhookDeliveryService(
                        database: elsewhere, configuration: worker, clock: .system, logger: TestDatabase.logger)
                    let running = Task { try await service.run() }
                    try await Task.sleep(for: .milliseconds(500))  // its first (empty) claim and LISTEN
                    try await app.test(.router) { client in
                        _ = try await client.registerWebhook(receiver.url, key: key)
                        let started = ContinuousClock.now
                        _ = try await client.create("/api/v1/leads", ["name": "Heard"], idKey: "leadId", key: key)
                        #expect(try await receiver.waitForArrivals(1, timeout: .seconds(10)).count == 1)
                        // well under the 120 s poll, with room for a loaded machine
                        #expect(ContinuousClock.now - started < .seconds(30), "woken by NOTIFY, not the 120 s poll")
                    }
                    running.cancel()
                    _ = try? await running.value
                }
            }
            await receiver.stop()
        }
    }
}
