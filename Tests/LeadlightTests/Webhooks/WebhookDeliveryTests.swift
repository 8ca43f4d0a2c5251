import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// Delivery as receivers live it: down, slow, gone, or refusing; retries, the log, redelivery, test events.
@Suite(.takingTurns) struct WebhookDeliveryTests {
    @Test(arguments: TestDatabase.available)
    func aReceiverDownForAWhileGetsEveryEventWithRetriesSpacedAsScheduled(on database: TestDatabase) async throws {
        // (the last waits are room for a loaded machine: the receiver is down for 1.5 s)
        let waits: [Duration] = [
            .milliseconds(300), .milliseconds(600), .milliseconds(1200), .milliseconds(2400), .milliseconds(4800),
        ]
        try await withWebhookApp(
            database, configure: { $0.webhooks.retrySchedule = WebhookRetrySchedule(waits: waits, jitter: 0.2) }
        ) { client, key, receiver, _ in
            let port = receiver.port
            try await receiver.goDown()  // connections are refused
            let webhook = try await client.registerWebhook(receiver.url, key: key)
            var leads: [String] = []
            for number in 1...5 {
                leads.append(
                    try await client.create("/api/v1/leads", ["name": "Lead \(number)"], idKey: "leadId", key: key))
            }
            try await Task.sleep(for: .milliseconds(1500))
            #expect(receiver.arrivals.isEmpty)
            try await receiver.start(port: port)  // back up

            let arrivals = try await receiver.waitForArrivals(5)
            #expect(arrivals.count == 5)
            let delivered = Set(
                arrivals.compactMap { arrival -> String? in
                    let body = try? JSONSerialization.jsonObject(with: Data(arrival.body.utf8)) as? [String: Any]
                    return (body?["data"] as? [String: Any])?["id"] as? String
                })
            #expect(delivered == Set(leads))

            #expect(
                try await eventually {
                    try await client.deliveries(of: webhook.id, key: key).allSatisfy {
                        $0["state"] as? String == "delivered"
                    }
                })
            for delivery in try await client.deliveries(of: webhook.id, key: key) {
                let log = try #require(delivery["attemptLog"] as? [[String: Any]])
                // down for 1.5 s: attempts at about 0, 0.3 and 0.9 s fail; a loaded machine may make the first late
                #expect(log.count >= 2, "at least one attempt failed and was retried: \(log)")
                #expect(log.last?["statusCode"] as? Int == 200)
                for (position, attempt) in log.dropLast().enumerated() {
                    #expect(attempt["statusCode"] == nil)
                    #expect(attempt["error"] as? String == "could not deliver: connection refused")
                    let attemptEnded = try #require(ended(attempt))
                    let nextRetry = try #require(time(attempt["nextRetryAt"]))
                    let wait = Double(waits[position] / .milliseconds(1)) / 1000
                    let scheduled = nextRetry.timeIntervalSince(attemptEnded)
                    #expect(
                        scheduled >= wait * 0.8 - 0.002 && scheduled <= wait * 1.2 + 0.002,
                        "wait \(position + 1): \(scheduled) s")
                    let next = try #require(time(log[position + 1]["startedAt"]))
                    #expect(next >= nextRetry.addingTimeInterval(-0.002), "no attempt before it is due")
                    // and none long after: it polls every 50 ms, but the other tests share two cores and NIO's
                    // thread pool, so this is liveness only (the retry waits themselves are checked above)
                    #expect(next.timeIntervalSince(nextRetry) < 10, "attempt \(position + 2) came late")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aReceiverAnswering410DisablesTheSubscription(on database: TestDatabase) async throws {
        try await withWebhookApp(database) { client, key, receiver, _ in
            receiver.answer(.init(status: .gone))
            let webhook = try await client.registerWebhook(receiver.url, key: key)
            _ = try await client.create("/api/v1/leads", ["name": "First"], idKey: "leadId", key: key)
            #expect(try await receiver.waitForArrivals(1).count == 1)
            #expect(
                try await eventually { try await client.webhook(webhook.id, key: key)["enabled"] as? Bool == false })
            let endpoint = try await client.webhook(webhook.id, key: key)
            #expect((endpoint["disabledReason"] as? String)?.contains("410 Gone") == true)
            let deliveries = try await client.deliveries(of: webhook.id, key: key)
            #expect(deliveries.count == 1)
            #expect(deliveries.first?["state"] as? String == "failed")
            #expect(deliveries.first?["attempts"] as? Int == 1, "a 410 is not retried")
            #expect(deliveries.first?["nextAttemptAt"] == nil)

            // a disabled endpoint is not sent new events, and says why test events cannot go
            _ = try await client.create("/api/v1/leads", ["name": "Second"], idKey: "leadId", key: key)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await client.deliveries(of: webhook.id, key: key).count == 1)
            #expect(receiver.arrivals.count == 1)
            let test = try await client.send(
                .post, "/api/v1/webhooks/\(webhook.id)/test", json: [String: Any](), key: key)
            #expect(test.status == .conflict)
            #expect(try (test.json["error"] as? [String: Any])?["code"] as? String == "endpoint_disabled")

            // enabled again by its owner: the reason is cleared and events flow
            receiver.answer(.init(status: .ok))
            let enabled = try await client.send(
                .patch, "/api/v1/webhooks/\(webhook.id)", json: ["enabled": true], key: key)
            #expect(enabled.status == .ok)
            #expect(try enabled.json["disabledReason"] == nil)
            _ = try await client.create("/api/v1/leads", ["name": "Third"], idKey: "leadId", key: key)
            #expect(try await receiver.waitForArrivals(2).count == 2)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aSlowReceiverTimesOutAndTheAttemptIsLogged(on database: TestDatabase) async throws {
        try await withWebhookApp(database, configure: { $0.webhooks.timeout = .seconds(1) }) {
            client, key, receiver, _ in
            receiver.answer(.init(status: .ok, delay: .seconds(3)))  // the timeout is 1 s
            let webhook = try await client.registerWebhook(receiver.url, key: key)
            _ = try await client.create("/api/v1/leads", ["name": "Patient"], idKey: "leadId", key: key)
            #expect(
                try await eventually {
                    let log =
                        try await client.deliveries(of: webhook.id, key: key).first?["attemptLog"] as? [[String: Any]]
                    return log?.isEmpty == false
                })
            let delivery = try #require(try await client.deliveries(of: webhook.id, key: key).first)
            let attempt = try #require((delivery["attemptLog"] as? [[String: Any]])?.first)
            #expect(attempt["error"] as? String == "timed out after 1 s")
            #expect(attempt["statusCode"] == nil)
            let latency = try #require(attempt["latencyMs"] as? Int)
            #expect(latency >= 950 && latency < 2500)
            #expect(attempt["nextRetryAt"] != nil)
            #expect(delivery["state"] as? String == "pending")
            #expect(delivery["lastError"] as? String == "timed out after 1 s")
        }
    }

    @Test(arguments: TestDatabase.available)
    func theDeliveryLogRedeliveryAndTestEvents(on database: TestDatabase) async throws {
        try await withWebhookApp(database) { client, key, receiver, seed in
            let webhook = try await client.registerWebhook(receiver.url, events: ["lead.created"], key: key)
            let lead = try await client.create("/api/v1/leads", ["name": "Logged"], idKey: "leadId", key: key)
            _ = try await client.create(
                "/api/v1/clients", ["name": "Not subscribed", "email": "c@example.com"], idKey: "clientId", key: key)
            let first = try #require(try await receiver.waitForArrivals(1).first)
            #expect(first.headers["x-organicagent-event"] == "lead.created")
            #expect(
                try await eventually {
                    try await client.deliveries(of: webhook.id, key: key).first?["state"] as? String == "delivered"
                })

            let deliveries = try await client.deliveries(of: webhook.id, key: key)
            #expect(deliveries.count == 1, "the client.created event is not sent to a lead.created subscription")
            let delivery = try #require(deliveries.first)
            #expect(delivery["event"] as? String == "lead.created")
            #expect(delivery["eventId"] as? String == first.eventID)
            #expect(delivery["attempts"] as? Int == 1)
            #expect(delivery["lastStatusCode"] as? Int == 200)
            let attempt = try #require((delivery["attemptLog"] as? [[String: Any]])?.first)
            #expect(attempt["number"] as? Int == 1)
            #expect(attempt["statusCode"] as? Int == 200)
            #expect(attempt["responseExcerpt"] as? String == "answered 200")
            #expect(attempt["latencyMs"] is Int)
            let deliveryID = try #require(delivery["id"] as? String)
            let one = try await client.get("/api/v1/webhooks/\(webhook.id)/deliveries/\(deliveryID)", key: key)
            #expect(one.status == .ok)
            #expect(try one.json["id"] as? String == deliveryID)

            // by hand, again: a new delivery of the same event, with the same event id
            let again = try await client.send(
                .post, "/api/v1/webhooks/\(webhook.id)/deliveries/\(deliveryID)/redeliver", json: [String: Any](),
                key: key)
            #expect(again.status == .accepted)
            #expect(try again.json["eventId"] as? String == first.eventID)
            #expect(try again.json["deliveryId"] as? String != deliveryID)
            let second = try #require(try await receiver.waitForArrivals(2).last)
            #expect(second.eventID == first.eventID)
            #expect(second.body.contains(lead))

            // a test event goes to this endpoint, whatever it subscribes to
            let test = try await client.send(
                .post, "/api/v1/webhooks/\(webhook.id)/test", json: [String: Any](), key: key)
            #expect(test.status == .accepted)
            let third = try #require(try await receiver.waitForArrivals(3).last)
            #expect(third.headers["x-organicagent-event"] == "webhook.test")
            #expect(third.body.contains(webhook.id))

            #expect(
                try await eventually {
                    try await client.get("/api/v1/webhooks/\(webhook.id)/deliveries?state=delivered&limit=1", key: key)
                        .json["total"] as? Int == 3
                })
            let badQuery = try await client.get(
                "/api/v1/webhooks/\(webhook.id)/deliveries?state=lost&colour=red", key: key)
            #expect(badQuery.status == .badRequest)
            let fields = try ((badQuery.json["error"] as? [String: Any])?["fields"] as? [[String: Any]])?.compactMap {
                $0["field"] as? String
            }
            #expect(Set(fields ?? []) == ["state", "colour"])

            // another workspace sees none of it
            let stranger = try await seed.apiKey()
            #expect(
                try await client.get("/api/v1/webhooks/\(webhook.id)/deliveries", key: stranger).status == .notFound)
            #expect(
                try await client.get("/api/v1/webhooks/\(webhook.id)/deliveries/\(deliveryID)", key: stranger).status
                    == .notFound)
            let strangerRedeliver = try await client.send(
                .post, "/api/v1/webhooks/\(webhook.id)/deliveries/\(deliveryID)/redeliver", json: [String: Any](),
                key: stranger)
            #expect(strangerRedeliver.status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anEndpointFailingForLongerThanAllowedIsDisabledAndSaysWhy(on database: TestDatabase) async throws {
        let configure: (inout LeadlightConfiguration) -> Void = {
            // failing for 3 s disables it; retries every 300 ms keep failing for longer than that
            $0.webhooks.disableAfter = .seconds(3)
            $0.webhooks.retrySchedule = WebhookRetrySchedule(waits: Array(repeating: .milliseconds(300), count: 40))
        }
        try await withWebhookApp(database, configure: configure) { client, key, receiver, _ in
            receiver.answer(.init(status: .internalServerError))
            let webhook = try await client.registerWebhook(receiver.url, key: key)
            _ = try await client.create("/api/v1/leads", ["name": "Unlucky"], idKey: "leadId", key: key)
            #expect(
                try await eventually { try await client.webhook(webhook.id, key: key)["enabled"] as? Bool == false })
            let reason = try #require(try await client.webhook(webhook.id, key: key)["disabledReason"] as? String)
            #expect(reason.hasPrefix("Every delivery has failed since"))
            #expect(reason.contains("answered 500"))

            // not sooner than allowed, read from the log rather than raced: the attempts went on failing, and
            // the one that disabled it ended at least 3 s after the first began
            let delivery = try #require(try await client.deliveries(of: webhook.id, key: key).first)
            let log = try #require(delivery["attemptLog"] as? [[String: Any]])
            #expect(log.count >= 2, "it was retried while failing: \(log)")
            let firstStarted = try #require(time(log.first?["startedAt"]))
            let lastEnded = try #require(log.last.flatMap(ended))
            #expect(lastEnded.timeIntervalSince(firstStarted) >= 3 - 0.01, "disabled after \(log.count) attempts")
            #expect(log.allSatisfy { $0["statusCode"] as? Int == 500 })
        }
    }

    @Test(arguments: TestDatabase.available)
    func aTargetThatIsNotAllowedIsRefusedAtDeliveryTimeToo(on database: TestDatabase) async throws {
        // The endpoint was saved while private targets were allowed (or its name resolved outward then);
        // the worker checks again before each attempt and sends nothing.
        try await withWebhookApp(database, configure: { $0.webhooks.allowPrivateTargets = false }) {
            client, key, receiver, seed in
            let workspace = try await client.get("/api/v1/workspace", key: key).json
            let workspaceID = Workspace.ID(rawValue: try #require(workspace["id"] as? String))
            let now = Date()
            let endpoint = WebhookEndpoint(
                id: .generate(), workspaceID: workspaceID, url: receiver.url, events: .all, description: nil,
                secret: .generate(), enabled: true, disabledReason: nil, failingSince: nil, createdAt: now,
                updatedAt: now
            )
            try await WebhookEndpointStore(database: seed.database.sql).insert(endpoint)
            _ = try await client.create("/api/v1/leads", ["name": "Inward"], idKey: "leadId", key: key)
            #expect(
                try await eventually {
                    (try await client.deliveries(of: endpoint.id.rawValue, key: key).first?["attemptLog"]
                        as? [[String: Any]])?.isEmpty == false
                })
            let attempt = try #require(
                (try await client.deliveries(of: endpoint.id.rawValue, key: key).first?["attemptLog"]
                    as? [[String: Any]])?.first)
            let error = try #require(attempt["error"] as? String)
            #expect(error.hasPrefix("not sent: the URL its host 127.0.0.1 resolves to 127.0.0.1"), "\(error)")
            #expect(receiver.arrivals.isEmpty)
        }
    }
}
