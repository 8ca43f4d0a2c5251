import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// The gate in front of every `/api/v1` route: keys, 401s, workspace scoping, the error shape, request ids.
@Suite struct APIGateTests {
    @Test(arguments: TestDatabase.available)
    func bothDocumentedAuthHeadersAreAccepted(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace("sarah-johnson")
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let bearer = try await client.get(
                    "/api/v1/workspace", key: nil, headers: [.authorization: "Bearer \(key)"])
                #expect(bearer.status == .ok)
                #expect(try bearer.decode(WorkspacesAPI.WorkspaceBody.self).agentId == "sarah-johnson")
                let apiKeyHeader = try await client.get("/api/v1/workspace", key: nil, headers: [.apiKey: key])
                #expect(apiKeyHeader.status == .ok)
                #expect(try apiKeyHeader.decode(WorkspacesAPI.WorkspaceBody.self).id == workspace.workspace.id)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func missingMalformedUnknownAndRevokedKeysAnswer401(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let revoked = try await seed.database.transaction { tx in
                try await APIKeyStore(database: tx).create(named: "old", in: workspace.workspace.id, at: Date())
            }
            _ = try await seed.database.transaction { tx in
                try await APIKeyStore(database: tx).revoke(revoked.0.id, in: workspace.workspace.id, at: Date())
            }
            let cases: [(String, HTTPFields)] = [
                ("missing", [:]),
                ("empty bearer", [.authorization: "Bearer "]),
                ("basic scheme", [.authorization: "Basic dXNlcjpwYXNz"]),
                ("wrong prefix", [.apiKey: "sk_live_" + String(repeating: "a", count: 40)]),
                ("too short", [.apiKey: "alk_live_abc123"]),
                ("not base62", [.apiKey: "alk_live_" + String(repeating: "a", count: 39) + "!"]),
                ("unknown", [.authorization: "Bearer alk_live_" + String(repeating: "Z", count: 40)]),
                ("revoked", [.authorization: "Bearer \(revoked.1.value)"]),
            ]
            try await app.test(.router) { client in
                for (name, headers) in cases {
                    let response = try await client.get("/api/v1/workspace", key: nil, headers: headers)
                    #expect(response.status == .unauthorized, "\(name)")
                    #expect(try response.error.error.code == "unauthorized", "\(name)")
                    #expect(response.headers[.wwwAuthenticate] != nil, "\(name)")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anotherWorkspacesIdAnswers404LikeAnIdThatNeverExisted(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let mine = try await seed.workspace()
            let theirs = try await seed.workspace()
            try await app.test(.router) { client in
                let other = try await client.get("/api/v1/api-keys/\(theirs.key.id)", key: mine.apiKey.value)
                let never = try await client.get("/api/v1/api-keys/key_doesnotexist", key: mine.apiKey.value)
                #expect(other.status == .notFound)
                #expect(never.status == .notFound)
                #expect(try other.error.error.message == never.error.error.message)
                let revokeOther = try await client.execute(
                    uri: "/api/v1/api-keys/\(theirs.key.id)", method: .delete, headers: .bearer(mine.apiKey.value)
                )
                #expect(revokeOther.status == .notFound)
                // and their key still works
                #expect(try await client.get("/api/v1/workspace", key: theirs.apiKey.value).status == .ok)
                let list = try await client.get("/api/v1/api-keys", key: mine.apiKey.value).decode(
                    APIKeysAPI.KeyList.self)
                #expect(list.apiKeys.map(\.id) == [mine.key.id])
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func everyErrorHasOneJSONShapeWithTheRequestIDOfItsResponse(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let responses = [
                    try await client.get("/api/v1/workspace", key: nil),
                    try await client.get("/api/v1/api-keys/key_nope", key: key),
                    try await client.get("/api/v1/no-such-endpoint", key: key),
                    try await client.get("/nowhere", key: nil),
                    try await client.send(.patch, "/api/v1/workspace", body: Data("{".utf8), key: key),
                ]
                for response in responses {
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                    let json = try response.json
                    #expect(Set(json.keys) == ["success", "error", "requestId"])
                    #expect(json["success"] as? Bool == false)
                    let body = try response.error
                    #expect(!body.error.code.isEmpty && !body.error.message.isEmpty)
                    #expect(body.requestId == response.headers[.requestID])
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aServerFaultAnswers500WithoutLeakingInternals(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await seed.database.transaction { tx in try await tx.raw("DROP TABLE api_keys").run() }
            try await app.test(.router) { client in
                let response = try await client.get("/api/v1/workspace", key: key, headers: [.requestID: "fault-1"])
                #expect(response.status == .internalServerError)
                let body = try response.error
                #expect(body.error.code == "internal_error")
                #expect(body.requestId == "fault-1")
                let text = String(buffer: response.body).lowercased()
                for leak in ["api_keys", "sql", "table", "error:", ".swift"] {
                    #expect(!text.contains(leak), "the body mentions \(leak)")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func readinessAnswers503WhenTheDatabaseIsGone(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            await seed.database.close()
            try await app.test(.router) { client in
                #expect(try await client.get("/healthz", key: nil).status == .ok)
                let ready = try await client.get("/readyz", key: nil)
                #expect(ready.status == .serviceUnavailable)
                #expect(try ready.json["status"] as? String == "unavailable")
            }
        }
    }

    @Test func aSaneClientRequestIDIsEchoedAndAnUnsafeOneReplaced() async throws {
        try await withTestApp(.sqlite) { app, seed in
            try await app.test(.router) { client in
                let echoed = try await client.get("/api/v1/workspace", key: nil, headers: [.requestID: "zap-123.abc"])
                #expect(echoed.headers[.requestID] == "zap-123.abc")
                #expect(try echoed.error.requestId == "zap-123.abc")
                let unsafe = try await client.get(
                    "/api/v1/workspace", key: nil, headers: [.requestID: "bad id\u{7F}<script>"])
                #expect(unsafe.headers[.requestID]?.hasPrefix("req_") == true)
                let fresh = try await client.get("/healthz", key: nil)
                #expect(fresh.headers[.requestID]?.hasPrefix("req_") == true)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func healthAndReadinessAnswerWithoutAKey(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, _ in
            try await app.test(.router) { client in
                #expect(try await client.get("/healthz", key: nil).status == .ok)
                // a probe, asked again as a load balancer would: on a machine busy with the rest of the suite a
                // fresh PostgreSQL connection can take longer than the check's 2 seconds
                var ready = try await client.get("/readyz", key: nil)
                for _ in 0..<4 where ready.status == .serviceUnavailable {
                    try await Task.sleep(for: .milliseconds(500))
                    ready = try await client.get("/readyz", key: nil)
                }
                #expect(ready.status == .ok)
                #expect(try ready.json["database"] as? String == database.rawValue)
            }
        }
    }
}
