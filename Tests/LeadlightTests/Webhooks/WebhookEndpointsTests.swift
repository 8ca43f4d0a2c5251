import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// `/api/v1/webhooks` as Zapier and Make.com use it: subscribe, read, change, rotate, unsubscribe; and the
/// targets refused while private addresses are not allowed (the default).
@Suite struct WebhookEndpointsTests {
    @Test(arguments: TestDatabase.available)
    func subscribeReadChangeRotateAndUnsubscribe(on database: TestDatabase) async throws {
        try await withTestApp(database, configure: fastWebhooks) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let created = try await client.send(
                    .post, "/api/v1/webhooks",
                    json: [
                        "url": "https://hooks.example.com/catch/1", "events": ["lead.created", "client.created"],
                        "description": "Zapier",
                    ],
                    key: key
                )
                #expect(created.status == .created)
                let body = try created.json
                let id = try #require(body["id"] as? String)
                #expect(id.hasPrefix("whk_"))
                let secret = try #require(body["secret"] as? String)
                #expect(secret.hasPrefix("whsec_"))
                #expect(Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
                #expect(body["events"] as? [String] == ["lead.created", "client.created"])
                #expect(body["enabled"] as? Bool == true)

                let shown = try await client.get("/api/v1/webhooks/\(id)", key: key)
                #expect(shown.status == .ok)
                #expect(try shown.json["secret"] == nil, "the secret is shown once")
                #expect(try shown.json["url"] as? String == "https://hooks.example.com/catch/1")
                let list = try await client.get("/api/v1/webhooks", key: key)
                #expect(try list.json["total"] as? Int == 1)
                #expect(String(buffer: list.body).contains(secret) == false)

                let changed = try await client.send(
                    .patch, "/api/v1/webhooks/\(id)",
                    json: ["events": ["*"], "description": NSNull(), "enabled": false], key: key
                )
                #expect(changed.status == .ok)
                #expect(try changed.json["events"] as? [String] == ["*"])
                #expect(try changed.json["description"] == nil)
                #expect(try changed.json["enabled"] as? Bool == false)
                #expect(try changed.json["disabledReason"] as? String == "Disabled by its owner.")

                let rotated = try await client.send(
                    .post, "/api/v1/webhooks/\(id)/rotate-secret", json: [String: Any](), key: key)
                #expect(rotated.status == .ok)
                let newSecret = try #require(try rotated.json["secret"] as? String)
                #expect(newSecret.hasPrefix("whsec_") && newSecret != secret)

                let stranger = try await seed.apiKey()
                #expect(try await client.get("/api/v1/webhooks/\(id)", key: stranger).status == .notFound)
                #expect(
                    try await client.execute(uri: "/api/v1/webhooks/\(id)", method: .delete, headers: .bearer(stranger))
                        .status == .notFound)
                #expect(try await client.get("/api/v1/webhooks", key: stranger).json["total"] as? Int == 0)

                let deleted = try await client.execute(
                    uri: "/api/v1/webhooks/\(id)", method: .delete, headers: .bearer(key))
                #expect(deleted.status == .ok)
                #expect(try deleted.json["deleted"] as? Bool == true)
                #expect(try await client.get("/api/v1/webhooks/\(id)", key: key).status == .notFound)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func badEndpointsAreRefusedNamingEveryFieldAndStoreNothing(on database: TestDatabase) async throws {
        try await withTestApp(database, configure: fastWebhooks) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let cases: [([String: Any], Set<String>)] = [
                    ([:], ["url", "events"]),
                    (["url": "https://example.com/h"], ["events"]),
                    (["url": "ftp://example.com/h", "events": ["*"]], ["url"]),
                    (["url": "not a url", "events": ["*"]], ["url"]),
                    (["url": "https://example.com/h", "events": []], ["events"]),
                    (["url": "https://example.com/h", "events": ["lead.deleted"]], ["events"]),
                    (["url": "https://example.com/h", "events": ["webhook.test"]], ["events"]),
                    (["url": "https://example.com/h", "events": "lead.created"], ["events"]),
                    (["url": "https://example.com/h", "events": ["*"], "enabled": "yes"], ["enabled"]),
                    (["url": "https://example.com/h", "events": ["*"], "secret": "mine"], ["secret"]),
                    (
                        ["url": 42, "events": ["*"], "description": String(repeating: "x", count: 501)],
                        ["url", "description"]
                    ),
                ]
                for (body, fields) in cases {
                    let response = try await client.send(.post, "/api/v1/webhooks", json: body, key: key)
                    #expect(response.status == .badRequest, "\(body)")
                    let named = try ((response.json["error"] as? [String: Any])?["fields"] as? [[String: Any]])?
                        .compactMap { $0["field"] as? String }
                    #expect(Set(named ?? []) == fields, "\(body)")
                }
                #expect(try await client.get("/api/v1/webhooks", key: key).json["total"] as? Int == 0)
            }
        }
    }

    /// With private targets not allowed (the default), every way of naming an inward address is refused.
    @Test(arguments: [
        "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.7/hook", "http://172.16.5.4/hook", "http://192.168.1.10/hook", "http://0.0.0.0/hook",
        "http://100.64.0.1/hook", "http://[fe80::1]/hook", "http://[fd00::1]/hook", "http://[::ffff:127.0.0.1]/hook",
        "http://2130706433/hook", "http://0x7f000001/hook", "http://127.1/hook", "http://224.0.0.1/hook",
    ])
    func privateLoopbackAndLinkLocalTargetsAreRefused(url: String) async throws {
        try await withTestApp(.sqlite) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let response = try await client.send(
                    .post, "/api/v1/webhooks", json: ["url": url, "events": ["*"]], key: key)
                #expect(response.status == .badRequest)
                let field = try ((response.json["error"] as? [String: Any])?["fields"] as? [[String: Any]])?.first
                #expect(field?["field"] as? String == "url")
                #expect(
                    (field?["message"] as? String)?.contains("LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE") == true,
                    "\(field ?? [:])")
                // and a PATCH to such a URL too
                let allowed = try await client.send(
                    .post, "/api/v1/webhooks", json: ["url": "http://93.184.215.14/hook", "events": ["*"]], key: key)
                #expect(allowed.status == .created, "a public address is fine")
                let id = try #require(try allowed.json["id"] as? String)
                let patched = try await client.send(.patch, "/api/v1/webhooks/\(id)", json: ["url": url], key: key)
                #expect(patched.status == .badRequest)
            }
        }
    }

    @Test func addressRangesAreClassified() {
        #expect(IPAddress.v4([8, 8, 8, 8]).isPublic)
        #expect(IPAddress.v4([93, 184, 215, 14]).isPublic)
        #expect(IPAddress.v4([172, 32, 0, 1]).isPublic)
        #expect(!IPAddress.v4([172, 31, 255, 255]).isPublic)
        #expect(!IPAddress.v4([198, 18, 0, 1]).isPublic)
        #expect(!IPAddress.v4([255, 255, 255, 255]).isPublic)
        var v6 = [UInt8](repeating: 0, count: 16)
        v6[0] = 0x26
        v6[1] = 0x06
        #expect(IPAddress.v6(v6).isPublic)
        let nat64ToLoopback: [UInt8] = [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1]
        #expect(!IPAddress.v6(nat64ToLoopback).isPublic)
    }
}
