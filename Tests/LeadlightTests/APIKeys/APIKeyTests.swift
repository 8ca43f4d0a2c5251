import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import Leadlight

/// Keys are `alk_live_` + 40 base62, stored only as SHA-256 with a prefix, shown once, listed, revoked.
@Suite struct APIKeyTests {
    @Test func generatedKeysHaveTheDocumentedFormatAndAreUnique() {
        let keys = (0..<200).map { _ in APIKeySecret.generate().value }
        #expect(Set(keys).count == 200)
        for key in keys {
            #expect(key.hasPrefix("alk_live_"))
            #expect(key.count == "alk_live_".count + 40)
            #expect(APIKeySecret(presented: key) != nil)
        }
    }

    @Test(arguments: TestDatabase.available)
    func onlyTheHashAndAPrefixAreStored(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let secret = workspace.apiKey.value
            let rows = try await seed.database.sql.select().column("*").from("api_keys").all()
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            let expectedHash = SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(try row.decode(column: "secret_hash", as: String.self) == expectedHash)
            #expect(try row.decode(column: "prefix", as: String.self) == String(secret.prefix(15)))
            for column in row.allColumns {
                let value = try? row.decode(column: column, as: String.self)
                #expect(value != secret, "column \(column) holds the secret")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func keysCanBeIssuedListedAndRevokedThroughTheAPI(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let created = try await client.send(.post, "/api/v1/api-keys", json: ["name": "Nightly sync"], key: key)
                #expect(created.status == .created)
                let body = try created.decode(APIKeysAPI.Created.self)
                #expect(body.name == "Nightly sync" && body.apiKey.hasPrefix(body.prefix))
                #expect(try await client.get("/api/v1/workspace", key: body.apiKey).status == .ok)

                let list = try await client.get("/api/v1/api-keys", key: key).decode(APIKeysAPI.KeyList.self)
                #expect(list.total == 2)
                #expect(list.apiKeys.first?.id == body.id)  // newest first
                #expect(!String(buffer: try await client.get("/api/v1/api-keys", key: key).body).contains(body.apiKey))

                let revoked = try await client.execute(
                    uri: "/api/v1/api-keys/\(body.id)", method: .delete, headers: .bearer(key))
                #expect(revoked.status == .ok)
                #expect(try revoked.decode(APIKeysAPI.KeyBody.self).status == "revoked")
                #expect(try await client.get("/api/v1/workspace", key: body.apiKey).status == .unauthorized)

                let unnamed = try await client.send(.post, "/api/v1/api-keys", json: [:] as [String: String], key: key)
                #expect(try unnamed.decode(APIKeysAPI.Created.self).name == "API key")
                let tooLong = try await client.send(
                    .post, "/api/v1/api-keys", json: ["name": String(repeating: "n", count: 101)], key: key)
                #expect(tooLong.status == .badRequest)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func useIsRecordedAtMostOncePerMinute(on database: TestDatabase) async throws {
        let clock = ManualClock()
        try await withTestApp(database, configure: { $0.clock = clock.wallClock }) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                let store = APIKeyStore(database: seed.database.sql)
                #expect(try await store.find(workspace.key.id, in: workspace.workspace.id)?.lastUsedAt == nil)
                _ = try await client.get("/api/v1/workspace", key: workspace.apiKey.value)
                let first = try await store.find(workspace.key.id, in: workspace.workspace.id)?.lastUsedAt
                #expect(first?.millisecondsSince1970 == clock.now.millisecondsSince1970)
                clock.advance(by: 30)
                _ = try await client.get("/api/v1/workspace", key: workspace.apiKey.value)
                #expect(try await store.find(workspace.key.id, in: workspace.workspace.id)?.lastUsedAt == first)
                clock.advance(by: 31)
                _ = try await client.get("/api/v1/workspace", key: workspace.apiKey.value)
                let later = try await store.find(workspace.key.id, in: workspace.workspace.id)?.lastUsedAt
                #expect(later?.millisecondsSince1970 == clock.now.millisecondsSince1970)
            }
        }
    }
}

@Suite struct Base62Tests {
    @Test func randomStringsUseEveryCharacterOfTheAlphabetEvenly() {
        var counts: [Character: Int] = [:]
        for _ in 0..<2000 {
            for character in Base62.random(count: 31) { counts[character, default: 0] += 1 }
        }
        #expect(Set(counts.keys) == Set(Base62.alphabet))
        // 62,000 draws: each character about 1,000 times; a biased generator would be far off
        #expect(counts.values.allSatisfy { (800...1200).contains($0) })
        #expect(Base62.random(count: 40).count == 40)
        #expect(Base62.random(count: 0).isEmpty)
    }
}
