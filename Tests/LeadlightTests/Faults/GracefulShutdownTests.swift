import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import Leadlight

/// SIGTERM under load (issue 14): the request being received finishes and is stored, new connections are
/// refused, webhook attempts in flight finish and are recorded, no claim is left behind, and the process exits
/// 0 well inside the grace period.
@Suite(.takingTurns) struct GracefulShutdownTests {
    @Test func aSIGTERMFinishesWhatIsInFlightRefusesNewWorkAndExits0() async throws {
        let directory = try makeTemporaryDirectory("leadlight-sigterm")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("live.sqlite").path
        let receiver = WebhookReceiver()
        try await receiver.start()
        receiver.answer(.init(status: .ok, delay: .seconds(2)))  // attempts in flight at the signal
        let server = try await ServerProcess.start(
            ["--database-url", path, "--rate-limit", "100000"],
            environment: ["LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE": "1", "LEADLIGHT_WEBHOOKS_POLL_INTERVAL": "0.05"])
        let key = try #require(server.output.firstMatch(of: /alk_live_[0-9A-Za-z]+/).map { String($0.output) })
        let hook = try JSONSerialization.data(withJSONObject: ["url": receiver.url, "events": ["lead.created"]])
        #expect(try await server.request(.POST, "/api/v1/webhooks", key: key, json: hook).status == 201)

        // load: four clients creating leads until the server stops answering
        let answers = Shared<(statuses: [UInt], leads: [String])>(([], []))
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        for number in 1... {
                            let json = Data(
                                #"{"name":"S\#(worker)","email":"s\#(worker)-\#(number)@example.com"}"#.utf8)
                            guard let answer = try? await server.request(.POST, "/api/v1/leads", key: key, json: json)
                            else { return }  // the server is gone
                            let lead = answer.body.firstMatch(of: /"leadId":"([^"]+)"/).map { String($0.output.1) }
                            answers.withLock { answers in
                                answers.statuses.append(answer.status)
                                if let lead { answers.leads.append(lead) }
                            }
                        }
                    }
                }
            }
        }
        _ = try await receiver.waitForArrivals(2)

        // a bulk upsert whose body is half sent when the signal comes: in flight for certain
        let rows = (1...500).map { ["name": "Offering \($0)", "sku": "SIG-\($0)", "price": "\($0).50"] }
        let body = try JSONSerialization.data(withJSONObject: ["products": rows])
        let (parts, sending) = AsyncStream<ByteBuffer>.makeStream()
        var upsert = HTTPClientRequest(url: "\(server.baseURL)/api/v1/products")
        upsert.method = .POST
        upsert.headers.add(name: "Authorization", value: "Bearer \(key)")
        upsert.headers.add(name: "Content-Type", value: "application/json")
        upsert.body = .stream(parts, length: .known(Int64(body.count)))
        let client = HTTPClient()
        let answer = Task {
            let response = try await client.execute(upsert, timeout: .seconds(60))
            return (response.status.code, String(buffer: try await response.body.collect(upTo: 16 << 20)))
        }
        sending.yield(ByteBuffer(bytes: body.prefix(body.count / 2)))
        try await Task.sleep(for: .milliseconds(500))

        server.process.child.signal(SIGTERM)
        let signalled = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(500))
        let fresh = HTTPClient()
        let refused =
            (try? await fresh.execute(HTTPClientRequest(url: "\(server.baseURL)/healthz"), timeout: .seconds(5)))
        try await fresh.shutdown()
        #expect(refused == nil, "a new connection after the signal is refused")
        sending.yield(ByteBuffer(bytes: body.suffix(from: body.count / 2)))
        sending.finish()
        let (status, text) = try await answer.value
        try await client.shutdown()
        #expect(status == 200 || status == 207, "the request in flight is answered: \(status) \(text.prefix(300))")

        let exit = await server.process.child.exitStatus()
        let took = ContinuousClock.now - signalled
        await load.value
        await receiver.stop()
        #expect(exit == 0)
        #expect(took < .seconds(10), "exited \(took) after the signal")

        let all = answers.value
        #expect(!all.statuses.isEmpty && all.statuses.allSatisfy { $0 == 201 }, "\(Set(all.statuses))")
        let arrived = Set(receiver.arrivals.map(\.eventID))
        try await LeadlightDatabase.withOpen(.sqlite(path: path), logger: TestDatabase.logger) { database in
            let leads = Set(
                try await database.sql.raw("SELECT id FROM leads").all().map {
                    try $0.decode(column: "id", as: String.self)
                })
            #expect(Set(all.leads).isSubset(of: leads), "every acknowledged lead is stored")
            let offerings = try await database.sql.raw("SELECT count(*) AS n FROM offerings").first()
            #expect(try offerings?.decode(column: "n", as: Int.self) == 500, "and the upsert in flight whole")
            let claimed = try await database.sql.raw(
                "SELECT count(*) AS n FROM webhook_deliveries WHERE claimed_by IS NOT NULL"
            ).first()
            #expect(try claimed?.decode(column: "n", as: Int.self) == 0, "no claim left behind")
            // every attempt the receiver answered during the shutdown was recorded as delivered
            let delivered = Set(
                try await database.sql.raw(
                    "SELECT event_id FROM webhook_deliveries WHERE state = 'delivered'"
                ).all().map { try $0.decode(column: "event_id", as: String.self) })
            #expect(arrived.isSubset(of: delivered), "\(arrived.subtracting(delivered).count) in flight not recorded")
        }
    }
}
