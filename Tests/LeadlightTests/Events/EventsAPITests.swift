import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// `GET /api/v1/events` and `GET /api/v1/events/{id}` (issue 14): every change a workspace recorded, newest
/// first, in its webhook delivery's body; and `GET /api/v1/me`.
@Suite struct EventsAPITests {
    private static func events(_ client: some TestClientProtocol, _ query: String, key: String) async throws
        -> (ids: [String], types: [String], hasMore: Bool)
    {
        let answer = try await client.get("/api/v1/events\(query)", key: key)
        #expect(answer.status == .ok, "\(query): \(String(buffer: answer.body))")
        let json = try answer.json
        let events = json["events"] as? [[String: Any]] ?? []
        return (
            events.compactMap { $0["id"] as? String }, events.compactMap { $0["event"] as? String },
            json["hasMore"] as? Bool ?? false
        )
    }

    @Test(arguments: TestDatabase.available)
    func eventsAreListedNewestFirstFilteredByTypeAndPagedByCursors(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            let otherKey = try await seed.apiKey()
            try await app.test(.router) { client in
                #expect(try await Self.events(client, "", key: key).ids.isEmpty)
                var leads: [String] = []
                for number in 1...5 {
                    leads.append(
                        try await client.create(
                            "/api/v1/leads", ["name": "Lead \(number)", "email": "l\(number)@example.com"],
                            idKey: "leadId", key: key))
                }
                _ = try await client.send(.patch, "/api/v1/leads/\(leads[0])", json: ["status": "contacted"], key: key)
                _ = try await client.create(
                    "/api/v1/clients", ["name": "Client", "email": "c@example.com"], idKey: "clientId", key: key)
                // another workspace's changes are never listed here
                _ = try await client.create(
                    "/api/v1/leads", ["name": "Elsewhere", "email": "e@example.com"], idKey: "leadId", key: otherKey)

                let all = try await Self.events(client, "", key: key)
                #expect(
                    all.types == ["client.created", "lead.status_changed"] + Array(repeating: "lead.created", count: 5))
                #expect(!all.hasMore)
                let recorded = try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id)
                #expect(all.ids == recorded.map(\.id.rawValue).reversed(), "newest first, in the order recorded")

                // each item is its webhook delivery's body, with its id and the time it was recorded
                let answer = try await client.get("/api/v1/events?limit=1", key: key).json
                let item = try #require((answer["events"] as? [[String: Any]])?.first)
                let event = try #require(recorded.last)
                let payload = try WebhookPayload(
                    eventID: event.id, eventType: event.type, data: event.data,
                    agentID: workspace.workspace.agentID.rawValue, secret: .generate(), deliveryID: .generate(),
                    at: event.occurredAt)
                let delivered = try #require(
                    try JSONSerialization.jsonObject(with: Data(payload.body.utf8)) as? [String: Any])
                #expect(Set(item.keys) == Set(delivered.keys).union(["id"]))
                #expect(item["event"] as? String == delivered["event"] as? String)
                #expect(item["agentId"] as? String == delivered["agentId"] as? String)
                #expect(item["timestamp"] as? String == delivered["timestamp"] as? String)
                let data = try #require(item["data"] as? [String: Any])
                let deliveredData = try #require(delivered["data"] as? [String: Any])
                #expect(NSDictionary(dictionary: data).isEqual(to: deliveredData), "the same data")
                #expect(answer["hasMore"] as? Bool == true)

                // one event by id; another workspace's or an unknown id is not found
                let one = try await client.get("/api/v1/events/\(event.id.rawValue)", key: key)
                #expect(one.status == .ok)
                #expect(try one.json["event"] as? String == "client.created")
                #expect(try await client.get("/api/v1/events/\(event.id.rawValue)", key: otherKey).status == .notFound)
                #expect(try await client.get("/api/v1/events/evt_nothing", key: key).status == .notFound)

                // type filters, one or several
                #expect(try await Self.events(client, "?type=lead.created", key: key).ids.count == 5)
                let two = try await Self.events(client, "?type=client.created,lead.status_changed", key: key)
                #expect(two.types == ["client.created", "lead.status_changed"])

                // catching up from the first event, two at a time: after=X, then before= the last id of each page
                let first = all.ids.last!
                var caughtUp: [String] = []
                var page = try await Self.events(client, "?after=\(first)&limit=2", key: key)
                caughtUp += page.ids
                while page.hasMore {
                    page = try await Self.events(client, "?after=\(first)&before=\(page.ids.last!)&limit=2", key: key)
                    caughtUp += page.ids
                }
                #expect(caughtUp == Array(all.ids.dropLast()), "every event since the first, once each")
                #expect(try await Self.events(client, "?before=\(first)", key: key).ids.isEmpty)
                #expect(try await Self.events(client, "?after=\(all.ids[0])", key: key).ids.isEmpty)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func badFiltersAnswer400NamingThem(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            let otherKey = try await seed.apiKey()
            try await app.test(.router) { client in
                _ = try await client.create(
                    "/api/v1/leads", ["name": "Elsewhere", "email": "e@example.com"], idKey: "leadId", key: otherKey)
                let theirs = try #require(
                    try await client.get("/api/v1/events", key: otherKey).json["events"] as? [[String: Any]])
                let theirID = try #require(theirs.first?["id"] as? String)
                for (query, field) in [
                    ("type=lead.deleted", "type"), ("type=lead.created,", "type"), ("limit=0", "limit"),
                    ("limit=201", "limit"), ("after=evt_unknown", "after"), ("before=\(theirID)", "before"),
                    ("after=%20", "after"), ("since=1", "since"),
                ] {
                    let answer = try await client.get("/api/v1/events?\(query)", key: key)
                    #expect(answer.status == .badRequest, "\(query)")
                    let error = try answer.json["error"] as? [String: Any]
                    let fields = (error?["fields"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
                    #expect(fields == [field], "\(query): \(String(buffer: answer.body))")
                }
                #expect(try await client.get("/api/v1/events", key: nil).status == .unauthorized)
            }
        }
    }

    /// A real delivery and the listed event carry the same body but for `timestamp` (the attempt's time there,
    /// the recording's here); a test event is listed only when asked for by name.
    @Test(arguments: TestDatabase.available)
    func anEventReadsAsItsWebhookDeliveryAndATestEventOnlyWhenNamed(on database: TestDatabase) async throws {
        try await withWebhookApp(database) { client, key, receiver, _ in
            let endpoint = try await client.registerWebhook(receiver.url, key: key)
            _ = try await client.create(
                "/api/v1/leads", ["name": "Ada", "email": "ada@example.com", "notes": "ünïcode \u{2028}"],
                idKey: "leadId", key: key)
            let arrival = try #require(try await receiver.waitForDistinctEvents(1).first)
            var delivered = try #require(
                try JSONSerialization.jsonObject(with: Data(arrival.body.utf8)) as? [String: Any])
            let page = try await client.get("/api/v1/events", key: key)
            var listed = try #require((try page.json["events"] as? [[String: Any]])?.first)
            #expect(listed.removeValue(forKey: "id") as? String == arrival.eventID)
            #expect(listed.removeValue(forKey: "timestamp") != nil && delivered.removeValue(forKey: "timestamp") != nil)
            #expect(NSDictionary(dictionary: listed).isEqual(to: delivered), "\(listed) vs \(delivered)")

            let test = try await client.send(.post, "/api/v1/webhooks/\(endpoint.id)/test", json: [:], key: key)
            #expect(test.status == .accepted)
            #expect(try await Self.events(client, "", key: key).types == ["lead.created"])
            #expect(try await Self.events(client, "?type=webhook.test", key: key).types == ["webhook.test"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func meAnswersWithTheKeyAndItsWorkspace(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let provisioned = try await seed.workspace()
            try await app.test(.router) { client in
                let me = try await client.get("/api/v1/me", key: provisioned.apiKey.value)
                #expect(me.status == .ok)
                let workspace = try #require(try me.json["workspace"] as? [String: Any])
                let apiKey = try #require(try me.json["apiKey"] as? [String: Any])
                #expect(workspace["agentId"] as? String == provisioned.workspace.agentID.rawValue)
                #expect(workspace["id"] as? String == provisioned.workspace.id.rawValue)
                #expect(apiKey["id"] as? String == provisioned.key.id.rawValue)
                #expect(apiKey["status"] as? String == "active")
                #expect(!String(buffer: me.body).contains(provisioned.apiKey.value), "the secret is never shown again")
                #expect(try await client.get("/api/v1/me", key: "alk_live_nope").status == .unauthorized)
            }
        }
    }
}
