import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import Leadlight

/// Every create that takes an `Idempotency-Key` (leads have their own concurrent test in `LeadsTests`): the same
/// key and body answers the first answer again and creates nothing; the same key with another body is a 409;
/// another workspace's key of the same text is its own.
@Suite struct IdempotentCreationTests {
    /// A create: its path, a body, a different body, the id field of its answer and the list that counts it.
    struct Create: Sendable, CustomStringConvertible {
        var path: String
        var body: @Sendable (_ clientID: String, _ listingID: String) -> [String: any Sendable]
        var otherBody: @Sendable (_ clientID: String, _ listingID: String) -> [String: any Sendable]
        var idKey: String
        var listKey: String
        var description: String { self.path }
    }

    static let creates = [
        Create(
            path: "/api/v1/clients", body: { _, _ in ["name": "Jane", "email": "jane.retry@example.com"] },
            otherBody: { _, _ in ["name": "Jane", "email": "someone.else@example.com"] }, idKey: "clientId",
            listKey: "clients"),
        Create(
            path: "/api/v1/listings", body: { _, _ in ["address": "9 Retry Lane", "price": 500000] },
            otherBody: { _, _ in ["address": "9 Retry Lane", "price": 510000] }, idKey: "listingId",
            listKey: "listings"),
        Create(
            path: "/api/v1/showings",
            body: { client, listing in ["clientId": client, "listingId": listing, "notes": "Saturday"] },
            otherBody: { client, listing in ["clientId": client, "listingId": listing, "notes": "Sunday"] },
            idKey: "showingId", listKey: "showings"),
        Create(
            path: "/api/v1/webhooks",
            body: { _, _ in ["url": "http://127.0.0.1:9/retry", "events": ["lead.created"]] },
            otherBody: { _, _ in ["url": "http://127.0.0.1:9/other", "events": ["lead.created"]] },
            idKey: "id", listKey: "webhooks"),
    ]

    @Test(arguments: TestDatabase.available, Self.creates)
    func aRetriedCreateAnswersTheFirstAnswerAndCreatesNothing(on database: TestDatabase, _ create: Create)
        async throws
    {
        try await withTestApp(database, configure: { $0.webhooks.allowPrivateTargets = true }) { app, seed in
            let key = try await seed.apiKey()
            let stranger = try await seed.apiKey()
            try await app.test(.router) { client in
                let clientID = try await client.create(
                    "/api/v1/clients", ["name": "Owner", "email": "owner@example.com"], idKey: "clientId", key: key)
                let listingID = try await client.create(
                    "/api/v1/listings", ["address": "1 Main St", "price": 400000], idKey: "listingId", key: key)
                let retry: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "nightly-sync-42"]
                let body = create.body(clientID, listingID)

                let first = try await client.send(.post, create.path, json: body, key: key, headers: retry)
                #expect(first.status == .created, "\(String(buffer: first.body))")
                let again = try await client.send(.post, create.path, json: body, key: key, headers: retry)
                #expect(again.status == .created)
                #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
                #expect(String(buffer: again.body) == String(buffer: first.body), "the first answer, byte for byte")
                let total = try await client.get(create.path, key: key).json["total"] as? Int
                #expect(total == (create.path == "/api/v1/showings" || create.path == "/api/v1/webhooks" ? 1 : 2))

                let changed = try await client.send(
                    .post, create.path, json: create.otherBody(clientID, listingID), key: key, headers: retry)
                #expect(changed.status == .conflict)
                #expect(try changed.error.error.code == "idempotency_key_reused")

                // the same key text from another workspace is that workspace's own
                if create.path != "/api/v1/showings" {
                    let theirs = try await client.send(.post, create.path, json: body, key: stranger, headers: retry)
                    #expect(theirs.status == .created)
                    #expect(theirs.headers[HTTPField.Name("Idempotent-Replayed")!] == nil)
                }
            }
        }
    }

    @Test func aRetryIsTheSameRequestWhenItsParametersAreTheSame() {
        func fingerprint(_ body: String, method: String = "POST", path: String = "/api/v1/leads") -> String {
            IdempotentCreation.fingerprint(method, path, body: ByteBuffer(string: body))
        }
        let first = fingerprint(#"{"name": "Jane", "tags": ["a", "b"], "price": 2.5}"#)
        #expect(fingerprint(#"{"price":2.5,"tags":["a","b"],"name":"Jane"}"#) == first, "key order and spacing")
        #expect(fingerprint(#"{"name": "Jane", "tags": ["b", "a"], "price": 2.5}"#) != first, "list order counts")
        #expect(fingerprint(#"{"name": "Jane", "tags": ["a", "b"], "price": 2.6}"#) != first)
        #expect(fingerprint(#"{"name": "Jane", "tags": ["a", "b"], "price": 2.5}"#, path: "/api/v1/clients") != first)
        #expect(fingerprint("not json") == fingerprint("not json"))
        #expect(fingerprint("not json") != fingerprint("not json "), "what is not JSON is compared as bytes")
    }

    /// A key recorded before retries were compared by parameters (its hash is of the bytes) still replays.
    @Test(arguments: TestDatabase.available)
    func aKeyRecordedFromTheBytesStillReplays(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let provisioned = try await seed.workspace()
            let body = #"{"name": "Before the upgrade"}"#
            let answer = #"{"success":true,"leadId":"lead_recordedBeforeUpgrade1"}"#
            try await seed.database.sql.insert(into: "idempotency_keys")
                .columns(
                    "workspace_id", "idempotency_key", "request_hash", "status_code", "response_body", "created_at"
                )
                .values(
                    SQLBind(provisioned.workspace.id.rawValue), SQLBind("old-key"),
                    SQLBind(
                        IdempotentCreation.bytesFingerprint("POST", "/api/v1/leads", body: ByteBuffer(string: body))),
                    SQLBind(201), SQLBind(answer), SQLBind(Date().millisecondsSince1970)
                )
                .run()
            try await app.test(.router) { client in
                let retried = try await client.send(
                    .post, "/api/v1/leads", body: Data(body.utf8), key: provisioned.apiKey.value,
                    headers: [HTTPField.Name("Idempotency-Key")!: "old-key"])
                #expect(retried.status == .created)
                #expect(String(buffer: retried.body) == answer)
            }
        }
    }
}
