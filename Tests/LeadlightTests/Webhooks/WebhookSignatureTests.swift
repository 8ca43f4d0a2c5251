import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// Receivers verify our signatures the way the published docs say, with the real tools: the seeds/001
/// JavaScript snippet in node, over the parsed body, and a Standard Webhooks library in Python (issue 5).
@Suite struct WebhookSignatureTests {
    /// Text a user can store that JSON writers disagree about. (Other control characters are refused on input
    /// since issue 16; how they are escaped is `JavaScriptJSONTests`'.)
    static let awkward =
        "Zoë Ångström \"Q\" \\ back/slash https://example.com/a/b?c=d&e=f 🏡😀 \u{2028}\u{2029} "
        + "\t\n\r </script> é (e\u{301}) \u{FEFF}"

    /// One change for every event type of the catalogue, with awkward data, plus a test event.
    static func makeEveryEvent(_ client: some TestClientProtocol, key: String, webhook: String) async throws {
        let lead = try await client.create(
            "/api/v1/leads",
            ["name": awkward, "email": "zoe@example.com", "notes": awkward, "source": "https://zillow.com/x/y"],
            idKey: "leadId", key: key
        )
        _ = try await client.send(.patch, "/api/v1/leads/\(lead)", json: ["status": "contacted"], key: key)
        let clientID = try await client.create(
            "/api/v1/clients", ["name": awkward, "email": "buyer@example.com", "notes": awkward], idKey: "clientId",
            key: key
        )
        _ = try await client.send(.patch, "/api/v1/clients/\(clientID)", json: ["buyingStage": "Touring"], key: key)
        let listing = try await client.create(
            "/api/v1/listings",
            [
                "address": awkward, "price": 99_999_999_999.9999, "bedrooms": 3, "bathrooms": 2.5,
                "sqft": 9_999_999, "description": awkward,
            ],
            idKey: "listingId", key: key
        )
        _ = try await client.send(.patch, "/api/v1/listings/\(listing)", json: ["status": "pending"], key: key)
        _ = try await client.create(
            "/api/v1/showings", ["clientId": clientID, "listingId": listing, "notes": awkward], idKey: "showingId",
            key: key
        )
        let test = try await client.send(.post, "/api/v1/webhooks/\(webhook)/test", json: [String: Any](), key: key)
        #expect(test.status == .accepted)
    }

    static let eventCount = EventType.allCases.count

    @Test(.enabled(if: ExternalTool.nodeAvailable), arguments: TestDatabase.available)
    func theDocumentedJavaScriptVerifiesEveryDeliveryOnTheParsedBody(on database: TestDatabase) async throws {
        try await withWebhookApp(database) { client, key, receiver, _ in
            let webhook = try await client.registerWebhook(receiver.url, key: key)
            try await Self.makeEveryEvent(client, key: key, webhook: webhook.id)
            let arrivals = try await receiver.waitForDistinctEvents(Self.eventCount)
            #expect(
                Set(arrivals.compactMap { $0.headers["x-organicagent-event"] })
                    == Set(EventType.allCases.map(\.rawValue)))

            let script = #"""
                const crypto = require("crypto");
                const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
                const webhookSecret = input.secret;
                console.log(JSON.stringify(input.deliveries.map(({ headers, body }) => {
                  const request = { headers };
                  const payload = JSON.parse(body);
                  // seeds/001, as published:
                  const signature = crypto
                  .createHmac("sha256", webhookSecret)
                  .update(JSON.stringify(payload.data) + payload.timestamp)
                  .digest("hex");
                  const isValid = signature === request.headers["x-organicagent-signature"];
                  return { event: payload.event, isValid, keys: Object.keys(payload),
                           timestampMatches: payload.timestamp === request.headers["x-organicagent-timestamp"] };
                })));
                """#
            let input: [String: Any] = [
                "secret": webhook.secret,
                "deliveries": arrivals.map { ["headers": $0.headers, "body": $0.body] },
            ]
            let output = try await ExternalTool.run(
                "node", ["-e", script], input: try JSONSerialization.data(withJSONObject: input))
            let results = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
            #expect(results.count == Self.eventCount)
            for result in results {
                #expect(result["isValid"] as? Bool == true, "\(result["event"] ?? "?") did not verify")
                #expect(result["keys"] as? [String] == ["event", "timestamp", "agentId", "data"])
                #expect(result["timestampMatches"] as? Bool == true)
            }
        }
    }

    @Test(.enabled { await ExternalTool.standardWebhooksAvailable() }, arguments: TestDatabase.available)
    func aStandardWebhooksLibraryVerifiesEveryDelivery(on database: TestDatabase) async throws {
        try await withWebhookApp(database) { client, key, receiver, _ in
            let webhook = try await client.registerWebhook(receiver.url, key: key)
            try await Self.makeEveryEvent(client, key: key, webhook: webhook.id)
            let arrivals = try await receiver.waitForDistinctEvents(Self.eventCount)
            let script = """
                import json, sys
                from standardwebhooks import Webhook
                given = json.load(sys.stdin)
                hook = Webhook(given["secret"])
                results = []
                for delivery in given["deliveries"]:
                    try:
                        hook.verify(delivery["body"], delivery["headers"])
                        results.append("ok")
                    except Exception as error:
                        results.append(repr(error))
                print(json.dumps(results))
                """
            let input: [String: Any] = [
                "secret": webhook.secret,
                "deliveries": arrivals.map { ["headers": $0.headers, "body": $0.body] },
            ]
            let output = try await ExternalTool.run(
                "python3", ["-c", script], input: try JSONSerialization.data(withJSONObject: input))
            let results = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String])
            #expect(results == Array(repeating: "ok", count: Self.eventCount))
            for arrival in arrivals {
                #expect(arrival.headers["webhook-id"] == arrival.eventID)
                #expect(arrival.eventID.hasPrefix("evt_"))
            }
        }
    }

    @Test func aDeliveryCarriesTheDocumentedBodyAndHeaders() throws {
        let secret = WebhookSecret(value: "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlYw==")
        let payload = try WebhookPayload(
            eventID: Event.ID(rawValue: "evt_1"), eventType: .leadCreated,
            data: #"{"name":"John Smith","email":"john@example.com","phone":"555-0100","source":"zillow"}"#,
            agentID: "sarah-johnson", secret: secret, deliveryID: WebhookDelivery.ID(rawValue: "dlv_1"),
            at: Date(millisecondsSince1970: 1_711_234_567_890)
        )
        #expect(
            payload.body
                == #"{"event":"lead.created","timestamp":"1711234567890","agentId":"sarah-johnson","data":{"name":"John Smith","email":"john@example.com","phone":"555-0100","source":"zillow"}}"#
        )
        let headers = Dictionary(uniqueKeysWithValues: payload.headers.map { ($0.name, $0.value) })
        #expect(headers["X-OrganicAgent-Timestamp"] == "1711234567890")
        #expect(headers["X-OrganicAgent-Event"] == "lead.created")
        #expect(headers["webhook-timestamp"] == "1711234567")
        #expect(
            headers["X-OrganicAgent-Signature"]
                == secret.organicAgentSignature(
                    data: #"{"name":"John Smith","email":"john@example.com","phone":"555-0100","source":"zillow"}"#,
                    timestamp: "1711234567890")
        )
        #expect(headers["webhook-signature"]?.hasPrefix("v1,") == true)
    }
}
