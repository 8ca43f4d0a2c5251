import AsyncHTTPClient
import Foundation
import Leadlight
import Logging
import NIOCore
import SQLKit

/// Issue 5's benchmark: 10,000 queued events delivered by a release `leadlight worker` to a receiver in this
/// process that answers 200 at once, on SQLite and PostgreSQL; against, in the same run, the same 10,000 POSTs
/// sent by a bare AsyncHTTPClient loop with the same concurrency (the ceiling: no database, no signing).
/// Then the time from a lead's commit to its delivery's arrival, one lead at a time on an idle queue.
struct WebhooksBenchmark {
    let postgresURL: String?
    static let events = 10_000
    static let concurrency = 64
    static let latencySamples = 200

    func run() async throws -> String {
        let receiver = try await WebhookBenchReceiver.start()
        defer { Task { await receiver.stop() } }
        let ceiling = try await Self.measureCeiling(receiver)
        var text = """
            \(Self.events) events queued, then delivered by `leadlight worker` (concurrency \(Self.concurrency)) to a \
            receiver on 127.0.0.1 answering 200 at once. Ceiling: the same \(Self.events) POSTs from a bare \
            AsyncHTTPClient loop, same concurrency, measured in the same run. Latency: \(Self.latencySamples) leads \
            created one at a time through `leadlight serve` (worker inside), from the lead's commit (its \
            `createdAt`) to the delivery's arrival.

            | database | deliveries/s | vs ceiling | commit → arrival median | p99 |
            |---|---:|---:|---:|---:|
            | — (ceiling) | \(Int(ceiling)) | 100% | — | — |

            """
        var databases: [(String, String?)] = [("SQLite", nil)]
        if let postgresURL { databases.append(("PostgreSQL", postgresURL)) }
        for (name, admin) in databases {
            FileHandle.standardError.write(Data("webhooks benchmark on \(name)\n".utf8))
            var rate = 0.0
            var latencies: [Double] = []
            try await LeadsBenchmark.withFreshDatabase(adminURL: admin) { url in
                let key = try LeadsBenchmark.createWorkspace(url)
                let environment = [
                    "LEADLIGHT_DATABASE_URL": url, "LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE": "1",
                    "LEADLIGHT_WEBHOOKS_CONCURRENCY": "\(Self.concurrency)", "LEADLIGHT_LOG_LEVEL": "error",
                    "LEADLIGHT_RATE_LIMIT": "10000000",
                ]
                _ = try BenchServer.run(
                    ["webhooks", "create", "--agent-id", "bench", "--url", receiver.url, "--json"],
                    environment: environment)
                try await Self.queueEvents(url)
                _ = receiver.takeAll()
                let worker = try BenchServer.start(
                    arguments: ["worker"], ready: "webhook worker running", environment: environment)
                let started = Date()
                let last = try await receiver.waitFor(Self.events)
                worker.stop()
                rate = Double(Self.events) / last.timeIntervalSince(started)
                _ = receiver.takeAll()
                latencies = try await Self.measureLatency(
                    url: url, key: key, receiver: receiver, environment: environment)
            }
            latencies.sort()
            let median = latencies[latencies.count / 2]
            let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
            text +=
                "| \(name) | \(Int(rate)) | \(Int((rate / ceiling * 100).rounded()))% | \(Int(median)) ms | \(Int(p99)) ms |\n"
        }
        return text
    }

    /// A lead-shaped body, as deliveries carry.
    static func leadData(_ index: Int) -> [String: String] {
        [
            "id": "lead_bench\(index)", "name": "Lead \(index)", "email": "lead\(index)@example.com",
            "phone": "(555) 010-\(1000 + index % 9000)", "source": "zillow", "status": "new",
            "propertyAddress": "\(index) Main St, Miami, FL", "createdAt": "2026-11-24T03:00:00.000Z",
        ]
    }

    /// 10,000 `lead.created` events recorded (and queued for the endpoint) with no worker running.
    static func queueEvents(_ url: String) async throws {
        let logger = Logger(label: "bench")
        try await LeadlightDatabase.withOpen(DatabaseLocation(url), logger: logger) { database in
            let workspace = Workspace.ID(
                rawValue: try await database.sql.raw("SELECT id FROM workspaces").first()!.decode(
                    column: "id", as: String.self))
            for batch in 0..<(Self.events / 500) {
                try await database.transaction { tx in
                    for offset in 0..<500 {
                        try await Outbox(database: tx).record(
                            .leadCreated, Self.leadData(batch * 500 + offset), in: workspace, at: Date())
                    }
                }
            }
        }
    }

    /// The same number of POSTs with a body of the same size, straight from an HTTP client.
    static func measureCeiling(_ receiver: WebhookBenchReceiver) async throws -> Double {
        let body = try JSONSerialization.data(withJSONObject: [
            "event": "lead.created", "timestamp": "1711234567890", "agentId": "bench", "data": Self.leadData(1),
        ])
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = Self.concurrency
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let started = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<Self.concurrency {
                group.addTask {
                    for _ in stride(from: worker, to: Self.events, by: Self.concurrency) {
                        var request = HTTPClientRequest(url: receiver.url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(data: body))
                        let response = try await client.execute(request, timeout: .seconds(10))
                        _ = try await response.body.collect(upTo: 1 << 16)
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = Date().timeIntervalSince(started)
        try await client.shutdown()
        _ = receiver.takeAll()
        return Double(Self.events) / elapsed
    }

    /// Milliseconds from each lead's commit to its delivery's arrival, one lead at a time.
    static func measureLatency(
        url: String, key: String, receiver: WebhookBenchReceiver, environment: [String: String]
    ) async throws -> [Double] {
        let server = try BenchServer.start(environment: environment)
        defer { server.stop() }
        var latencies: [Double] = []
        for index in 0..<Self.latencySamples {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/leads")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"name": "Latency \#(index)", "source": "bench"}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 16)
            _ = try await receiver.waitFor(1, timeout: .seconds(10))
            for arrival in receiver.takeAll() {
                let payload = try JSONSerialization.jsonObject(with: Data(buffer: arrival.body)) as? [String: Any]
                let data = payload?["data"] as? [String: Any]
                guard let created = data?["createdAt"] as? String,
                    let committed = try? Date(
                        created, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
                else { continue }
                latencies.append(arrival.arrivedAt.timeIntervalSince(committed) * 1000)
            }
            try await Task.sleep(for: .milliseconds(20))  // an idle queue between leads
        }
        return latencies
    }
}
