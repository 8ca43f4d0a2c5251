import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// Settings → API and Settings → Workspace, over HTTP, and API keys that expire (issue 10).
@Suite struct SettingsPagesTests {
    static func key(in page: String) -> String? {
        page.firstMatch(of: /alk_live_[0-9A-Za-z]{32,}/).map { String($0.output) }
    }

    @Test(arguments: TestDatabase.available)
    func aKeyIsShownOnceWorksExpiresAndIsRevokedAfterAConfirmation(on database: TestDatabase) async throws {
        let clock = ManualClock()
        try await withTestApp(database, configure: { $0.clock = clock.wallClock }) { app, seed in
            let workspace = try await seed.workspace()
            let other = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                #expect(try await browser.get("/settings/api").text.contains("Create a key"))

                let past = try await browser.post("/settings/api/keys", ["name": "Old", "expiresOn": "2020-01-01"])
                #expect(past.status == .unprocessableContent)
                #expect(past.text.contains(#"id="e-expiresOn""#) || past.text.contains("must be in the future"))
                let badDay = try await browser.post("/settings/api/keys", ["name": "Odd", "expiresOn": "soon"])
                #expect(badDay.status == .unprocessableContent)

                // the seed's workspace is on UTC; the clock stands at 2027-01-15
                let created = try await browser.post(
                    "/settings/api/keys", ["name": "Nightly sync", "expiresOn": "2027-01-20"])
                #expect(created.status == .created)
                let secret = try #require(Self.key(in: created.text))
                #expect(created.text.contains("shown only this once"))
                let listed = try await browser.get("/settings/api")
                #expect(Self.key(in: listed.text) == nil, "the key is never shown again")
                #expect(listed.text.contains(String(secret.prefix(15))))
                #expect(listed.text.contains("Nightly sync"))

                let used = try await client.send(.get, "/api/v1/leads", json: [:], key: secret)
                #expect(used.status == .ok)
                let keys = try await client.send(.get, "/api/v1/api-keys", json: [:], key: secret).json
                let body = try #require(
                    (keys["apiKeys"] as? [[String: Any]])?.first { $0["name"] as? String == "Nightly sync" })
                #expect(body["expiresAt"] as? String == "2027-01-21T00:00:00.000Z")
                #expect(body["status"] as? String == "active")

                clock.advance(by: 7 * 86_400)
                try await browser.signIn(workspace.owner.email)  // the session has expired too
                let expired = try await client.send(.get, "/api/v1/leads", json: [:], key: secret)
                #expect(expired.status == .unauthorized)
                #expect(expired.text.contains("expired"))
                let status = try await client.send(.get, "/api/v1/api-keys", json: [:], key: workspace.apiKey.value)
                    .json
                #expect(
                    (status["apiKeys"] as? [[String: Any]])?.first { $0["name"] as? String == "Nightly sync" }?[
                        "status"]
                        as? String == "expired")

                // revoking asks first, on its own page
                let seedKey = try #require(
                    (status["apiKeys"] as? [[String: Any]])?.first { $0["name"] as? String != "Nightly sync" }?["id"]
                        as? String)
                let confirm = try await browser.get("/settings/api/keys/\(seedKey)/revoke")
                #expect(confirm.text.contains("Revoke key"))
                #expect(
                    try await client.send(.get, "/api/v1/leads", json: [:], key: workspace.apiKey.value).status == .ok)
                let revoked = try await browser.post("/settings/api/keys/\(seedKey)/revoke", [:])
                #expect(revoked.headers[.location] == "/settings/api?done=revoked")
                #expect(
                    try await client.send(.get, "/api/v1/leads", json: [:], key: workspace.apiKey.value).status
                        == .unauthorized)

                let theirs = try #require(
                    (try await client.send(.get, "/api/v1/api-keys", json: [:], key: other.apiKey.value).json["apiKeys"]
                        as? [[String: Any]])?.first?["id"] as? String)
                #expect(try await browser.get("/settings/api/keys/\(theirs)/revoke").status == .notFound)
                #expect(try await browser.post("/settings/api/keys/\(theirs)/revoke", [:]).status == .notFound)
                #expect(try await client.send(.get, "/api/v1/leads", json: [:], key: other.apiKey.value).status == .ok)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func theAPIChecksAKeysExpiry(on database: TestDatabase) async throws {
        let clock = ManualClock()
        try await withTestApp(database, configure: { $0.clock = clock.wallClock }) { app, seed in
            let key = try await seed.workspace().apiKey.value
            try await app.test(.router) { client in
                for (expiresAt, message) in [
                    ("2020-01-01T00:00:00Z", "must be in the future"), ("tomorrow", "ISO 8601"),
                    ("2099-01-01T00:00:00Z", "within ten years"),
                ] {
                    let refused = try await client.send(
                        .post, "/api/v1/api-keys", json: ["name": "x", "expiresAt": expiresAt], key: key)
                    #expect(refused.status == .badRequest, "\(expiresAt)")
                    #expect(refused.text.contains(message), "\(expiresAt)")
                }
                let created = try await client.send(
                    .post, "/api/v1/api-keys", json: ["name": "Short", "expiresAt": "2027-01-15T09:00:00Z"], key: key)
                #expect(created.status == .created)
                #expect(try created.json["expiresAt"] as? String == "2027-01-15T09:00:00.000Z")
                let secret = try #require(try created.json["apiKey"] as? String)
                #expect(try await client.send(.get, "/api/v1/leads", json: [:], key: secret).status == .ok)
                clock.advance(by: 3600)
                #expect(try await client.send(.get, "/api/v1/leads", json: [:], key: secret).status == .unauthorized)
                let never = try await client.send(.post, "/api/v1/api-keys", json: ["name": "Forever"], key: key)
                #expect(try never.json["expiresAt"] == nil)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func webhookEndpointsAreAddedTestedDisabledRotatedAndDeletedFromSettings(on database: TestDatabase)
        async throws
    {
        try await withTestApp(database, configure: { $0.webhooks.allowPrivateTargets = true }) { app, seed in
            let workspace = try await seed.workspace()
            let other = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                let page = try await browser.get("/settings/api")
                for type in EventType.catalogue { #expect(page.text.contains(#"value="\#(type.rawValue)""#)) }

                let none = try await browser.post("/settings/api/webhooks", ["url": "http://127.0.0.1:9/hook"])
                #expect(none.status == .unprocessableContent)
                #expect(none.text.contains(#"id="e-events""#))
                let csrf = try #require(browser.csrfToken)
                let badURL = try await browser.post(
                    "/settings/api/webhooks", pairs: [("_csrf", csrf), ("url", "ftp://x"), ("events", "lead.created")])
                #expect(badURL.status == .unprocessableContent)
                #expect(badURL.text.contains(#"id="e-url""#))
                #expect(badURL.text.contains(#"value="ftp://x""#))

                let added = try await browser.post(
                    "/settings/api/webhooks",
                    pairs: [
                        ("_csrf", csrf), ("url", "http://127.0.0.1:9/hook"), ("description", "Zapier"),
                        ("events", "lead.created"),
                        ("events", "client.stage_changed"),
                    ])
                #expect(added.status == .created)
                let firstSecret = try #require(
                    added.text.firstMatch(of: /whsec_[A-Za-z0-9+\/=]+/).map { String($0.output) })
                let endpoints = try await WebhookEndpointStore(database: seed.database.sql).list(
                    in: workspace.workspace.id)
                let endpoint = try #require(endpoints.first)
                #expect(endpoint.events == .only([.leadCreated, .clientStageChanged]))
                #expect(endpoint.description == "Zapier")
                let path = "/settings/api/webhooks/\(endpoint.id.rawValue)"
                #expect(!(try await browser.get(path).text.contains(firstSecret)), "the secret is shown once")

                let sent = try await browser.post("\(path)/test", [:])
                #expect(sent.headers[.location] == "\(path)?done=test")
                let log = try await browser.get(path)
                #expect(log.text.contains("webhook.test"))
                #expect(log.text.contains("1 in all"))
                let delivery = try #require(
                    log.text.firstMatch(of: /deliveries\/(dlv_[A-Za-z0-9]+)\/redeliver/)?.output.1)
                let again = try await browser.post("\(path)/deliveries/\(delivery)/redeliver", [:])
                #expect(again.headers[.location] == "\(path)?done=redelivered")
                #expect(try await browser.get(path).text.contains("2 in all"))

                _ = try await browser.post("\(path)/enabled", ["enabled": "false"])
                let disabled = try await browser.get(path)
                #expect(
                    disabled.text.contains(
                        "No event is delivered while the endpoint is disabled. Disabled by its owner."))
                #expect(!disabled.text.contains("Send test event"))
                #expect(try await browser.post("\(path)/test", [:]).status == .conflict)
                _ = try await browser.post("\(path)/enabled", ["enabled": "true"])
                #expect(try await browser.get(path).text.contains("Send test event"))

                let rotated = try await browser.post("\(path)/secret", [:])
                let newSecret = try #require(
                    rotated.text.firstMatch(of: /whsec_[A-Za-z0-9+\/=]+/).map { String($0.output) })
                #expect(newSecret != firstSecret)

                #expect(try await browser.post("\(path)/delete", [:]).status == .badRequest)
                let theirs = try await WebhookEndpoints(
                    database: seed.database, clock: .system, policy: WebhookTargetPolicy(allowPrivate: true)
                ).register(
                    try JSONDecoder().decode(
                        WebhookEndpointChanges.self, from: Data(#"{"url":"http://127.0.0.1:9/x","events":["*"]}"#.utf8)),
                    in: other.workspace.id)
                #expect(try await browser.get("/settings/api/webhooks/\(theirs.id.rawValue)").status == .notFound)
                #expect(
                    try await browser.post("/settings/api/webhooks/\(theirs.id.rawValue)/test", [:]).status == .notFound
                )
                let deleted = try await browser.post("\(path)/delete", ["confirm": "1"])
                #expect(deleted.headers[.location] == "/settings/api?done=deleted")
                #expect(try await browser.get(path).status == .notFound)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func theWorkspaceIsRenamedAndThePasswordChangedSigningOutOtherBrowsers(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                var elsewhere = DashboardClient(client)
                try await elsewhere.signIn(workspace.owner.email)
                let page = try await browser.get("/settings")
                #expect(page.text.contains(workspace.workspace.agentID.rawValue))
                #expect(page.text.contains(#"<option value="Europe/Paris""#))

                let bad = try await browser.post(
                    "/settings", ["name": "", "currency": "XYZ", "timeZone": "Mars/Olympus"])
                #expect(bad.status == .unprocessableContent)
                for field in ["name", "currency", "timeZone"] {
                    #expect(bad.text.contains(#"id="e-\#(field)""#), "\(field)")
                }
                let saved = try await browser.post(
                    "/settings", ["name": "Harbour Homes", "currency": "eur", "timeZone": "Europe/Paris"])
                #expect(saved.headers[.location] == "/settings?done=saved")
                let api = try await client.send(.get, "/api/v1/workspace", json: [:], key: workspace.apiKey.value).json
                #expect(api["name"] as? String == "Harbour Homes")
                #expect(api["currency"] as? String == "EUR")
                #expect(api["timeZone"] as? String == "Europe/Paris")

                let wrong = try await browser.post(
                    "/settings/password",
                    ["currentPassword": "nope", "newPassword": "a new secret", "repeatPassword": "a new secret"])
                #expect(wrong.status == .unprocessableContent)
                #expect(wrong.text.contains(#"id="e-currentPassword""#))
                let mismatch = try await browser.post(
                    "/settings/password",
                    [
                        "currentPassword": "correct horse battery", "newPassword": "a new secret",
                        "repeatPassword": "another",
                    ])
                #expect(mismatch.text.contains(#"id="e-repeatPassword""#))
                let short = try await browser.post(
                    "/settings/password",
                    ["currentPassword": "correct horse battery", "newPassword": "short", "repeatPassword": "short"])
                #expect(short.text.contains(#"id="e-newPassword""#))

                let changed = try await browser.post(
                    "/settings/password",
                    [
                        "currentPassword": "correct horse battery", "newPassword": "a new secret",
                        "repeatPassword": "a new secret",
                    ])
                #expect(changed.headers[.location] == "/settings?done=password")
                #expect(try await browser.get("/settings").status == .ok, "this browser stays signed in")
                let signedOut = try await elsewhere.get("/settings")
                #expect(signedOut.status == .seeOther, "the other browser is signed out")
                var fresh = DashboardClient(client)
                #expect(try await fresh.signIn(workspace.owner.email).status != .seeOther)
                #expect(try await fresh.signIn(workspace.owner.email, "a new secret").status == .seeOther)
            }
        }
    }
}
