import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import Leadlight

/// SQLite as a server database: many requests at once, reads and writes, and none sees "database is locked".
@Suite struct ConcurrencyTests {
    @Test func twoHundredConcurrentAuthenticatedRequestsOnSQLiteAllSucceed() async throws {
        try await withTestApp(.sqlite, configure: { $0.rateLimitPerMinute = 10_000 }) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let statuses = try await withThrowingTaskGroup(of: (Int, UInt).self) { group in
                    for index in 0..<200 {
                        group.addTask {
                            // half read, half write (each creates an API key, a write transaction)
                            var request = HTTPClientRequest(
                                url: "http://127.0.0.1:\(port)/api/v1/" + (index % 2 == 0 ? "workspace" : "api-keys"))
                            request.headers.add(name: "Authorization", value: "Bearer \(key)")
                            if index % 2 == 1 {
                                request.method = .POST
                                request.headers.add(name: "Content-Type", value: "application/json")
                                request.body = .bytes(ByteBuffer(string: #"{"name": "concurrent \#(index)"}"#))
                            }
                            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            return (index, response.status.code)
                        }
                    }
                    return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
                }
                #expect(statuses.count == 200)
                #expect(statuses.values.filter { $0 == 200 }.count == 100)
                #expect(statuses.values.filter { $0 == 201 }.count == 100)
                let keys = try await APIKeyStore(database: seed.database.sql).list(in: workspace.workspace.id)
                #expect(keys.count == 101)
            }
        }
    }
}
