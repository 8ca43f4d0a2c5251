import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import Leadlight

/// `leadlight backup` (issue 14): a consistent copy of a live SQLite database, taken while a server writes to it.
@Suite(.takingTurns) struct BackupCommandTests {
    @Test func aBackupTakenDuringWritesHoldsEveryLeadCommittedBeforeItAndRestores() async throws {
        let directory = try makeTemporaryDirectory("leadlight-backup")
        defer { try? FileManager.default.removeItem(at: directory) }
        let live = directory.appendingPathComponent("live.sqlite").path
        let backup = directory.appendingPathComponent("backup.sqlite").path

        let server = try await ServerProcess.start(["--database-url", live, "--rate-limit", "100000"])
        let key = try #require(Self.key(in: server.output))
        let acknowledged = Mutex<[(id: String, at: ContinuousClock.Instant)]>([])
        let writing = Atomic<Bool>(true)
        let failure = Mutex<String?>(nil)
        let writer = Task {
            var number = 0
            do {
                while writing.load(ordering: .relaxed) {
                    number += 1
                    let id = try await Self.createLead(number, on: server, key: key)
                    acknowledged.withLock { $0.append((id, ContinuousClock.now)) }
                }
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
        }
        do {
            try await Self.waitFor(200, acknowledged, failure)
            let started = ContinuousClock.now
            let result = try await LeadlightProcess.run(["backup", "--to", backup, "--database-url", live])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Backed up") && result.stdout.contains("checked"))
            let countAtEnd = acknowledged.withLock { $0.count }
            try await Self.waitFor(countAtEnd + 20, acknowledged, failure)
            writing.store(false, ordering: .relaxed)
            await writer.value
            #expect(failure.withLock { $0 } == nil)

            // every lead acknowledged before the backup began is in it, each with its event (one transaction)
            let before = Set(acknowledged.withLock { $0 }.filter { $0.at < started }.map(\.id))
            let copy = try SQLiteDirectConnection.open(path: backup, readOnly: true)
            var inCopy = Set<String>()
            var createdEvents = 0
            try copy.run("SELECT id FROM leads", []) {
                inCopy.insert((try? $0.decode(column: "id", as: String.self)) ?? "")
            }
            try copy.run("SELECT COUNT(*) AS n FROM events WHERE type = 'lead.created'", []) {
                createdEvents = (try? $0.decode(column: "n", as: Int.self)) ?? -1
            }
            copy.close()
            #expect(before.isSubset(of: inCopy), "\(before.subtracting(inCopy).count) committed leads missing")
            #expect(createdEvents == inCopy.count, "each lead with its event")
            #expect(inCopy.count < acknowledged.withLock { $0.count }, "writes went on after the backup")
            #expect(await server.stop() == 0)

            // the copy is a working database: a server started on it answers with exactly what it holds
            let restored = try await ServerProcess.start(["--database-url", backup])
            let page = try await restored.request(.GET, "/api/v1/leads?limit=1", key: key)
            #expect(page.status == 200)
            #expect(page.body.contains(#""total":\#(inCopy.count)"#))
            await restored.stop()
        } catch {
            writing.store(false, ordering: .relaxed)
            await writer.value
            await server.stop()
            throw error
        }
    }

    @Test func aBackupNeverOverwritesAFileAndAFailedOneLeavesNothing() async throws {
        let directory = try makeTemporaryDirectory("leadlight-backup")
        defer { try? FileManager.default.removeItem(at: directory) }
        let live = directory.appendingPathComponent("live.sqlite").path
        let migrated = try await LeadlightProcess.run(["migrate", "--database-url", live])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let existing = directory.appendingPathComponent("existing.sqlite").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        let notADatabase = directory.appendingPathComponent("notes.txt").path
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: notADatabase))
        let listing = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()

        let overwrite = try await LeadlightProcess.run(["backup", "--to", existing, "--database-url", live])
        #expect(overwrite.status == 1 && overwrite.stderr.contains("exists already"))
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me")

        let target = directory.appendingPathComponent("copy.sqlite").path
        let missing = try await LeadlightProcess.run(
            ["backup", "--to", target, "--database-url", directory.appendingPathComponent("gone.sqlite").path])
        #expect(missing.status == 1 && missing.stderr.contains("There is no database"))
        let unreadable = try await LeadlightProcess.run(["backup", "--to", target, "--database-url", notADatabase])
        #expect(unreadable.status == 1 && unreadable.stderr.contains("not a database"), "\(unreadable.stderr)")
        let postgres = try await LeadlightProcess.run(
            ["backup", "--to", target, "--database-url", "postgres://leadlight@127.0.0.1:1/leadlight"])
        #expect(postgres.status == 64 && postgres.stderr.contains("pg_dump"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == listing)
    }

    /// Waits until the writer has `count` leads acknowledged; its failure, or a minute, ends the wait with an error.
    private static func waitFor(
        _ count: Int, _ acknowledged: borrowing Mutex<[(id: String, at: ContinuousClock.Instant)]>,
        _ failure: borrowing Mutex<String?>
    ) async throws {
        // alone this takes a second; the whole suite on both databases, browser tests beside it, once starved the
        // writer past a minute on a slow day (CI of 2026-12-07)
        let deadline = ContinuousClock.now + .seconds(180)
        while acknowledged.withLock({ $0.count }) < count {
            if let reason = failure.withLock({ $0 }) { throw WriterStopped(reason: reason) }
            guard ContinuousClock.now < deadline else {
                throw WriterStopped(reason: "fewer than \(count) in 3 minutes")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct WriterStopped: Error { var reason: String }

    /// The first-run banner's API key.
    private static func key(in output: String) -> String? {
        output.firstMatch(of: /alk_live_[0-9A-Za-z]+/).map { String($0.output) }
    }

    private static func createLead(_ number: Int, on server: ServerProcess, key: String) async throws -> String {
        let json = Data(#"{"name":"Lead \#(number)","email":"l\#(number)@example.com"}"#.utf8)
        let answer = try await server.request(.POST, "/api/v1/leads", key: key, json: json)
        guard answer.status == 201,
            let id = answer.body.firstMatch(of: /"leadId":"([^"]+)"/).map({ String($0.output.1) })
        else { throw UnexpectedAnswer(status: .init(code: Int(answer.status)), body: answer.body) }
        return id
    }
}
