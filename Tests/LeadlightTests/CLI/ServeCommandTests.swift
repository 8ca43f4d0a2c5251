import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import Leadlight

/// `leadlight serve` as a newcomer and an operator run it.
@Suite(.takingTurns) struct ServeCommandTests {
    @Test func aFirstRunCreatesTheSQLiteFileAndPrintsALoginAKeyAndACurlLineThatWorks() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "leadlight-first-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let server = try await ServerProcess.start(directory: directory)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("leadlight.sqlite").path))
        #expect(server.output.contains("Login     owner@demo.leadlight.test"))
        #expect(server.output.contains("Password  "))
        let curl = try #require(server.output.split(separator: "\n").first { $0.contains("curl ") })
            .replacingOccurrences(of: "│ ", with: "")
        #expect(curl.contains("alk_live_"))
        #expect(try await Self.statusOfPasting(curl) == 200)

        #expect(await server.stop() == 0)  // SIGTERM shuts down gracefully

        // A second start finds the workspace and prints no new credentials.
        let again = try await ServerProcess.start(directory: directory)
        #expect(!again.output.contains("First run"))
        await again.stop()
    }

    /// Runs the printed line as a person would paste it; where the machine has no curl, makes the same request.
    private static func statusOfPasting(_ curlLine: String) async throws -> UInt {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            let words = curlLine.split(separator: " ")
            let url = try #require(words.last.map(String.init))
            let key = try #require(words.first { $0.hasPrefix("alk_live_") }).trimmingCharacters(in: ["\""])
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            return response.status.code
        }
        let code = try await ChildProcess.run(
            "/bin/sh", ["-c", curlLine + " -s -o /dev/null -w '%{http_code}'"],
            environment: ProcessInfo.processInfo.environment
        ).stdout
        return UInt(code) ?? 0
    }

    /// A fresh PostgreSQL database, migrated, with a workspace and its API key, for servers started on it.
    private static func withMigratedPostgreSQL(_ body: (_ url: String, _ key: String) async throws -> Void)
        async throws
    {
        try await TestDatabase.postgres.withFreshLocation { location in
            guard case .postgres(let url) = location else { return }
            let database = try await LeadlightDatabase.open(location, logger: TestDatabase.logger)
            try await Migrator(database: database).migrate(logger: TestDatabase.logger)
            let key = try await TestSeed(database: database, clock: .system).apiKey()
            await database.close()
            try await body(url, key)
        }
    }

    @Test(.enabled(if: TestDatabase.postgresURL != nil))
    func twoServerProcessesOnOnePostgreSQLShareOneRateLimit() async throws {
        try await Self.withMigratedPostgreSQL { url, key in
            let environment = ["LEADLIGHT_RATE_LIMIT": "10", "LEADLIGHT_DATABASE_URL": url]
            let first = try await ServerProcess.start(environment: environment)
            let second = try await ServerProcess.start(environment: environment)
            // A window is a calendar minute: start early in one so all 14 requests fall in the same window.
            let secondsIntoMinute = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
            if secondsIntoMinute > 40 { try await Task.sleep(for: .seconds(61 - secondsIntoMinute)) }
            var statuses: [UInt] = []
            do {
                for index in 0..<14 {
                    let server = index % 2 == 0 ? first : second
                    var request = HTTPClientRequest(url: "\(server.baseURL)/api/v1/workspace")
                    request.headers.add(name: "X-API-Key", value: key)
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 1 << 20)
                    statuses.append(response.status.code)
                }
            } catch {
                await first.stop()
                await second.stop()
                throw error
            }
            await first.stop()
            await second.stop()
            #expect(statuses == Array(repeating: 200, count: 10) + Array(repeating: 429, count: 4))
        }
    }

    /// A server on PostgreSQL stops at SIGTERM after its pool's connections have sat idle and been closed (its
    /// idle timeout is 5 s), and later requests open them again.
    @Test(.enabled(if: TestDatabase.postgresURL != nil))
    func aServerOnPostgreSQLStopsAfterItsConnectionsWentIdle() async throws {
        try await Self.withMigratedPostgreSQL { url, key in
            let server = try await ServerProcess.start(environment: ["LEADLIGHT_DATABASE_URL": url])
            try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<8 {  // several connections at once
                    group.addTask { try await server.request(.GET, "/api/v1/leads", key: key).status }
                }
                for try await status in group { #expect(status == 200) }
            }
            try await Task.sleep(for: .seconds(7))
            let again = try await server.request(.GET, "/api/v1/leads", key: key)
            #expect(again.status == 200, "a request after the connections were closed")
            try await Task.sleep(for: .seconds(7))
            let signalled = ContinuousClock.now
            let status = await withTaskGroup(of: Int32?.self) { group in
                group.addTask { await server.stop() }
                group.addTask {
                    try? await Task.sleep(for: .seconds(20))
                    return nil
                }
                let first = await group.next() ?? nil
                if first == nil { await server.kill9() }
                group.cancelAll()
                return first
            }
            #expect(
                status == 0,
                "exit status \(String(describing: status)) \(ContinuousClock.now - signalled) after SIGTERM")
        }
    }
}
