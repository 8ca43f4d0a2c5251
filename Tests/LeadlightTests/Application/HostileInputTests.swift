import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import Leadlight

/// Inputs that once took the whole server down or left a client hanging (issue 16), tried against a real
/// `leadlight serve` process, so a trap shows up as a dead server rather than a crashed test run.
@Suite struct HostileInputTests {
    /// A server on a fresh SQLite file with one workspace, and that workspace's key.
    private static func withServer(
        environment: [String: String] = [:],
        _ body: (ServerProcess, String) async throws -> Void
    ) async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            guard case .sqlite(let path) = location else { return }
            let key = try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await Migrator(database: database).migrate(logger: TestDatabase.logger)
                return try await TestSeed(database: database, clock: .system).apiKey()
            }
            let server = try await ServerProcess.start(
                environment: ["LEADLIGHT_DATABASE_URL": path, "LEADLIGHT_RATE_LIMIT": "100000"].merging(environment) {
                    $1
                })
            do {
                try await body(server, key)
            } catch {
                await server.stop()
                throw error
            }
            #expect(await server.stop() == 0, "the server must still be running, and stop cleanly")
        }
    }

    private struct Answer {
        var status: UInt
        var body: String
    }

    private static func send(
        _ method: HTTPMethod,
        _ path: String,
        json: String? = nil,
        to server: ServerProcess,
        key: String
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: server.baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: response.status.code, body: String(buffer: body))
    }

    /// The four requests of the report, and their relatives on every other numeric field and filter.
    @Test func numbersTooLargeForAnyFieldAnswer400NamingItAndTheServerStaysUp() async throws {
        try await Self.withServer { server, key in
            let bodies: [(path: String, json: String, field: String)] = [
                ("/api/v1/products", #"{"name": "x", "price": 99999999999999999}"#, "price"),
                ("/api/v1/products", #"{"name": "x", "price": "99999999999999999"}"#, "price"),
                ("/api/v1/products", #"{"name": "x", "price": 922337203685477.5807}"#, "price"),
                ("/api/v1/products", #"{"name": "x", "price": 1e300}"#, "price"),
                ("/api/v1/products", #"{"name": "x", "sku": "A", "stockQty": 1e30}"#, "stockQty"),
                ("/api/v1/products", #"{"name": "x", "sku": "A", "reorderLevel": -1e30}"#, "reorderLevel"),
                (
                    "/api/v1/products", #"{"name": "x", "type": "CONTRACT", "termMonths": 99999999999999999999}"#,
                    "termMonths"
                ),
                ("/api/v1/listings", #"{"address": "1 Main St", "price": 4.543521568131284e+16}"#, "price"),
                ("/api/v1/listings", #"{"address": "1 Main St", "price": 750000, "bedrooms": 1e19}"#, "bedrooms"),
                ("/api/v1/listings", #"{"address": "1 Main St", "price": 750000, "bathrooms": 1e18}"#, "bathrooms"),
                ("/api/v1/listings", #"{"address": "1 Main St", "price": 750000, "sqft": -9.3e18}"#, "sqft"),
            ]
            for (path, json, field) in bodies {
                let answer = try await Self.send(.POST, path, json: json, to: server, key: key)
                #expect(answer.status == 400, "\(json): \(answer.body)")
                #expect(answer.body.contains(#""field":"\#(field)""#), "\(json): \(answer.body)")
            }
            let queries: [(path: String, field: String)] = [
                ("/api/v1/listings?minPrice=99999999999999999", "minPrice"),
                ("/api/v1/listings?maxPrice=99999999999999999", "maxPrice"),
                ("/api/v1/listings?minBedrooms=99999999999999999999", "minBedrooms"),
                ("/api/v1/leads?limit=99999999999999999999", "limit"),
                ("/api/v1/leads?offset=9223372036854775807", "offset"),
            ]
            for (path, field) in queries {
                let answer = try await Self.send(.GET, path, to: server, key: key)
                #expect(answer.status == 400, "\(path): \(answer.body)")
                #expect(answer.body.contains(#""field":"\#(field)""#), "\(path): \(answer.body)")
            }
            #expect(try await Self.send(.GET, "/healthz", to: server, key: key).status == 200)
        }
    }

    /// A body over the limit, sent by a client that writes it all before reading, with `Connection: close`
    /// (Python's urllib): the 413 arrives at once instead of the client timing out in its write.
    @Test(arguments: [true, false])
    func anOversizedBodyFromAClientThatWritesFirstGetsIts413AtOnce(declaresLength: Bool) async throws {
        try await Self.withServer { server, key in
            let size = 30 << 20
            var head = [
                "POST /api/v1/leads HTTP/1.1", "Host: 127.0.0.1:\(server.port)", "Authorization: Bearer \(key)",
                "Content-Type: application/json", "Connection: close",
            ]
            var body: [UInt8]
            if declaresLength {
                head.append("Content-Length: \(size)")
                body = [UInt8](repeating: UInt8(ascii: " "), count: size)
            } else {  // chunked: the server finds out only when it has read past its limit
                head.append("Transfer-Encoding: chunked")
                let chunk = Array("100000\r\n".utf8) + [UInt8](repeating: UInt8(ascii: " "), count: 1 << 20) + [13, 10]
                // appended, not `joined()`: a debug build copies 30 MB through FlattenSequence byte by byte, seconds
                // of one of Swift's two executor threads while the other tests wait
                body = []
                body.reserveCapacity(30 * chunk.count + 5)
                for _ in 0..<30 { body.append(contentsOf: chunk) }
                body.append(contentsOf: Array("0\r\n\r\n".utf8))
            }
            let exchange = try await WriteFirstHTTPClient.exchange(port: server.port, head: head, body: body)
            #expect(exchange.wroteWholeRequest)
            #expect(exchange.statusCode == 413, "\(exchange.response.prefix(300))")
            #expect(exchange.response.contains(#""code":"payload_too_large""#))
            #expect(exchange.elapsed < .seconds(1), "answered after \(exchange.elapsed)")

            // Nothing was stored, and the server is fine.
            let leads = try await Self.send(.GET, "/api/v1/leads", to: server, key: key)
            #expect(leads.status == 200 && leads.body.contains(#""total":0"#))
        }
    }

    /// A client that keeps sending after its 413 is cut off once the discarding budget is spent, rather than
    /// holding the connection for as long as it likes.
    @Test func aClientThatNeverStopsSendingIsCutOff() async throws {
        try await Self.withServer { server, key in
            let head = [
                "POST /api/v1/leads HTTP/1.1", "Host: 127.0.0.1:\(server.port)", "Authorization: Bearer \(key)",
                "Content-Type: application/json", "Content-Length: \(1 << 40)",
            ]
            let body = [UInt8](repeating: UInt8(ascii: " "), count: 400 << 20)
            let exchange = try await WriteFirstHTTPClient.exchange(port: server.port, head: head, body: body)
            #expect(!exchange.wroteWholeRequest, "the server stopped reading after discarding its budget")
            #expect(exchange.elapsed < .seconds(12))
            #expect(try await Self.send(.GET, "/healthz", to: server, key: key).status == 200)
        }
    }
}
