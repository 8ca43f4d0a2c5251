import Foundation
import Testing

@testable import Leadlight

/// `leadlight webhooks …` and `leadlight worker`, run as the built executable (issue 5: "through the CLI").
@Suite struct WebhooksCommandTests {
    private func json(_ result: ChildProcess.Finished) throws -> [String: Any] {
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test(arguments: TestDatabase.available)
    func theWholeLifeOfAnEndpointFromTheCommandLine(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            let url = location.databaseURL
            let environment = [
                "LEADLIGHT_DATABASE_URL": url, "LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE": "1",
                "LEADLIGHT_WEBHOOKS_POLL_INTERVAL": "0.05",
            ]
            func leadlight(_ arguments: String..., environment: [String: String] = environment) async throws
                -> ChildProcess.Finished
            {
                try await LeadlightProcess.run(arguments, environment: environment)
            }
            _ = try self.json(
                try await leadlight(
                    "workspace", "create", "--name", "Hooks", "--agent-id", "hooks", "--owner-email", "o@example.com",
                    "--json"))
            let receiver = WebhookReceiver()
            try await receiver.start()
            defer { Task { await receiver.stop() } }

            // refused: a loopback target while private targets are not allowed; an unknown event
            let refused = try await leadlight(
                "webhooks", "create", "--agent-id", "hooks", "--url", receiver.url,
                environment: ["LEADLIGHT_DATABASE_URL": url])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE"))
            let unknownEvent = try await leadlight(
                "webhooks", "create", "--agent-id", "hooks", "--url", receiver.url, "--events", "lead.deleted")
            #expect(unknownEvent.status != 0)
            #expect(unknownEvent.stderr.contains("events"))

            let created = try self.json(
                try await leadlight(
                    "webhooks", "create", "--agent-id", "hooks", "--url", receiver.url, "--events",
                    "lead.created,client.created", "--json"))
            let id = try #require(created["id"] as? String)
            let secret = try #require(created["secret"] as? String)
            #expect(secret.hasPrefix("whsec_"))
            #expect(created["events"] as? [String] == ["lead.created", "client.created"])
            let listed = try self.json(try await leadlight("webhooks", "list", "--agent-id", "hooks", "--json"))
            #expect(listed["total"] as? Int == 1)

            let disabled = try self.json(
                try await leadlight("webhooks", "update", id, "--agent-id", "hooks", "--disable", "--json"))
            #expect(disabled["enabled"] as? Bool == false)
            let testWhileDisabled = try await leadlight("webhooks", "test", id, "--agent-id", "hooks")
            #expect(testWhileDisabled.status != 0)
            #expect(testWhileDisabled.stderr.contains("disabled"))
            _ = try self.json(
                try await leadlight("webhooks", "update", id, "--agent-id", "hooks", "--enable", "--json"))

            let test = try self.json(try await leadlight("webhooks", "test", id, "--agent-id", "hooks", "--json"))
            let testDelivery = try #require(test["deliveryId"] as? String)
            let pending = try self.json(
                try await leadlight("webhooks", "deliveries", id, "--agent-id", "hooks", "--json"))
            #expect((pending["deliveries"] as? [[String: Any]])?.first?["state"] as? String == "pending")

            // a worker process sends it, then stops gracefully
            let worker = try await WorkerProcess.start(environment: environment)
            let arrivals = try await receiver.waitForArrivals(1)
            #expect(arrivals.first?.headers["x-organicagent-event"] == "webhook.test")
            let again = try self.json(
                try await leadlight("webhooks", "redeliver", id, testDelivery, "--agent-id", "hooks", "--json"))
            #expect(again["deliveryId"] as? String != testDelivery)
            #expect(try await receiver.waitForArrivals(2).count == 2)
            let (status, workerLog) = await worker.stopReadingLog()
            #expect(status == 0)

            let log = try self.json(
                try await leadlight(
                    "webhooks", "deliveries", id, "--agent-id", "hooks", "--state", "delivered", "--json"))
            let all = try await leadlight("webhooks", "deliveries", id, "--agent-id", "hooks")
            #expect(log["total"] as? Int == 2, "deliveries:\n\(all.stdout)\nworker's log:\n\(workerLog)")
            let text = try await leadlight("webhooks", "deliveries", id, "--agent-id", "hooks")
            #expect(text.stdout.contains("#1"))
            #expect(text.stdout.contains("200"))

            let rotated = try self.json(
                try await leadlight("webhooks", "rotate-secret", id, "--agent-id", "hooks", "--json"))
            #expect(rotated["secret"] as? String != secret)
            _ = try self.json(try await leadlight("webhooks", "delete", id, "--agent-id", "hooks", "--json"))
            let gone = try await leadlight("webhooks", "deliveries", id, "--agent-id", "hooks")
            #expect(gone.status != 0)
            #expect(gone.stderr.contains("not found") || gone.stderr.contains("No webhook endpoint"), "\(gone.stderr)")
        }
    }
}
