import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import Leadlight

/// PostgreSQL goes down under load and comes back (issue 14): `/readyz` says 503 while it is down, every request
/// is answered in bounded time, a 201 or a clean 503 JSON error, never a half-written change, and the server
/// recovers by itself. The test runs its own PostgreSQL cluster, to stop it without touching the suite's.
@Suite(.takingTurns) struct PostgresRestartTests {
    @Test(.enabled(if: TestDatabase.postgresURL != nil))
    func theServerAnswers503WhilePostgreSQLIsDownAndRecoversByItself() async throws {
        let cluster = try await OwnPostgres.start()
        do {
            try await Self.check(on: cluster)
            await cluster.remove()
        } catch {
            await cluster.remove()
            throw error
        }
    }

    private static func check(on cluster: OwnPostgres) async throws {
        let server = try await ServerProcess.start(["--database-url", cluster.url, "--rate-limit", "100000"])
        let key = try #require(server.output.firstMatch(of: /alk_live_[0-9A-Za-z]+/).map { String($0.output) })
        let answers = Shared<[(status: UInt, code: String?, seconds: Double, lead: String?)]>([])
        let loading = Shared(true)
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var number = 0
                        while loading.value {
                            number += 1
                            let json = Data(
                                #"{"name":"W\#(worker) \#(number)","email":"w\#(worker)-\#(number)@example.com"}"#.utf8)
                            let started = ContinuousClock.now
                            let answer: (status: UInt, body: String)
                            do {
                                answer = try await server.request(
                                    .POST, "/api/v1/leads", key: key, json: json, timeout: .seconds(20))
                            } catch {
                                // no answer at all within 20 s: what must never happen
                                let seconds = Self.seconds(ContinuousClock.now - started)
                                answers.withLock { $0.append((0, "\(error)", seconds, nil)) }
                                continue
                            }
                            let seconds = Self.seconds(ContinuousClock.now - started)
                            let code = answer.body.firstMatch(of: /"code":"([a-z_]+)"/).map { String($0.output.1) }
                            let lead = answer.body.firstMatch(of: /"leadId":"([^"]+)"/).map { String($0.output.1) }
                            answers.withLock { $0.append((answer.status, code, seconds, lead)) }
                            if answer.status != 201 { try? await Task.sleep(for: .milliseconds(100)) }
                        }
                    }
                }
            }
        }
        try await Task.sleep(for: .seconds(1))
        try await cluster.pause()
        let down = ContinuousClock.now
        try await Task.sleep(for: .seconds(2))
        let started = ContinuousClock.now
        let ready = try await Self.get("\(server.baseURL)/readyz")
        #expect(ready.status == 503, "readyz while PostgreSQL is down")
        #expect(ContinuousClock.now - started < .seconds(4), "and at once, not after a probe's timeout")
        try await Task.sleep(for: .seconds(6))  // longer than a request waits for a connection
        try await cluster.resume()
        let backAt = ContinuousClock.now
        var recovered = false
        while !recovered, ContinuousClock.now - backAt < .seconds(30) {
            recovered = (try? await Self.get("\(server.baseURL)/readyz").status) == 200
            if !recovered { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(recovered, "ready again within 30 s of PostgreSQL's return")
        try await Task.sleep(for: .seconds(1))
        loading.withLock { $0 = false }
        await load.value
        let after = try await server.request(
            .POST, "/api/v1/leads", key: key, json: Data(#"{"name":"After","email":"after@example.com"}"#.utf8))
        #expect(after.status == 201, "writes work again")
        await server.stop()

        let all = answers.value
        #expect(
            all.contains { $0.status == 503 }, "some requests met the outage (it lasted \(ContinuousClock.now - down))")
        #expect(all.allSatisfy { [201, 503].contains($0.status) }, "\(Set(all.map(\.status)))")
        #expect(all.filter { $0.status == 503 }.allSatisfy { $0.code == "database_unavailable" })
        // bounded as docs/DEPLOY.md says: at most 5 s waiting for a connection, then at most 10 s for PostgreSQL to
        // open one (a CI run saw 10.0008 s against the 10 s this bound once was, and the documented worst is 15)
        #expect(all.allSatisfy { $0.seconds < 16 }, "the slowest took \(all.map(\.seconds).max() ?? 0) s")
        // every acknowledged lead is stored, and every stored lead has its one event: nothing half-written
        let acknowledged = Set(all.compactMap(\.lead))
        try await LeadlightDatabase.withOpen(.postgres(url: cluster.url), logger: TestDatabase.logger) { database in
            let leads = Set(
                try await database.sql.raw("SELECT id FROM leads").all().map {
                    try $0.decode(column: "id", as: String.self)
                })
            #expect(acknowledged.isSubset(of: leads))
            let created = try await database.sql.raw(
                "SELECT count(*) AS n FROM events WHERE type = 'lead.created'"
            ).first().map { try $0.decode(column: "n", as: Int.self) }
            #expect(created == leads.count)
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func get(_ url: String) async throws -> (status: UInt, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        return (response.status.code, String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }
}

/// A PostgreSQL cluster of the test's own, made by `scripts/test-postgres.sh` (Debian's postgresql), which the
/// test may stop and start.
struct OwnPostgres: Sendable {
    let directory: String
    let port: Int
    let url: String

    private static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/test-postgres.sh")
            .path
    }

    static func start() async throws -> OwnPostgres {
        let directory = "/tmp/leadlight-own-pg-\(UUID().uuidString.prefix(8))"
        let port = Int.random(in: 56000..<57000)
        let started = try await Self.run("start", directory: directory, port: port)
        return OwnPostgres(
            directory: directory, port: port, url: started.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func pause() async throws { _ = try await Self.run("pause", directory: self.directory, port: self.port) }
    func resume() async throws { _ = try await Self.run("resume", directory: self.directory, port: self.port) }
    func remove() async { _ = try? await Self.run("stop", directory: self.directory, port: self.port) }

    private static func run(_ command: String, directory: String, port: Int) async throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["LEADLIGHT_PG_DIR"] = directory
        environment["LEADLIGHT_PG_PORT"] = String(port)
        let finished = try await ChildProcess.run("/bin/bash", [Self.script, command], environment: environment)
        guard finished.status == 0 else {
            throw ExternalTool.Failed(
                name: "test-postgres.sh \(command)", status: finished.status, stderr: finished.stderr)
        }
        return finished.stdout
    }
}
