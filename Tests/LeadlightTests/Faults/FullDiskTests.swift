import Foundation
import Testing

@testable import Leadlight

/// The SQLite file cannot grow (issue 14): the server is held to a file size, as a full disk holds it. Writes
/// then fail with a clear 503 that changed nothing, reads keep working, the process stays up, and once there is
/// room again everything acknowledged is there and writing works.
@Suite(.takingTurns) struct FullDiskTests {
    @Test func writesFailCleanlyWhenTheDiskIsFullAndReadsGoOn() async throws {
        let directory = try makeTemporaryDirectory("leadlight-full")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("live.sqlite").path
        let first = try await ServerProcess.start(["--database-url", path])
        let key = try #require(first.output.firstMatch(of: /alk_live_[0-9A-Za-z]+/).map { String($0.output) })
        await first.stop()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)

        // 512 KiB more than the file: room for a few hundred leads in the write-ahead log, then no more
        let full = try await ServerProcess.start(
            ["--database-url", path, "--rate-limit", "100000"], fileSizeLimitKiB: size / 1024 + 512)
        var acknowledged: [String] = []
        var refusal: (status: UInt, body: String)?
        for number in 1...5000 where refusal == nil {
            let json = Data(#"{"name":"Full \#(number)","email":"full-\#(number)@example.com"}"#.utf8)
            let answer = try await full.request(.POST, "/api/v1/leads", key: key, json: json)
            if answer.status == 201, let id = answer.body.firstMatch(of: /"leadId":"([^"]+)"/) {
                acknowledged.append(String(id.output.1))
            } else {
                refusal = answer
            }
        }
        let refused = try #require(refusal, "the file filled up")
        #expect(refused.status == 503)
        #expect(refused.body.contains(#""code":"storage_unavailable""#), "\(refused.body)")
        #expect(!acknowledged.isEmpty)
        for _ in 0..<3 {
            let json = Data(#"{"name":"More","email":"more@example.com"}"#.utf8)
            #expect(try await full.request(.POST, "/api/v1/leads", key: key, json: json).status == 503)
        }
        // reads go on: the list, and each acknowledged lead
        let page = try await full.request(.GET, "/api/v1/leads?limit=1", key: key)
        #expect(page.status == 200)
        #expect(page.body.contains("\"total\":\(acknowledged.count)"), "\(page.body)")
        for id in acknowledged.suffix(5) {
            #expect(try await full.request(.GET, "/api/v1/leads/\(id)", key: key).status == 200)
        }
        #expect(await full.stop() == 0, "the process stayed up and stops cleanly")

        let roomy = try await ServerProcess.start(["--database-url", path])
        let after = try await roomy.request(.GET, "/api/v1/leads?limit=1", key: key)
        #expect(after.body.contains("\"total\":\(acknowledged.count)"), "every acknowledged lead, no other")
        let json = Data(#"{"name":"Room again","email":"room@example.com"}"#.utf8)
        #expect(try await roomy.request(.POST, "/api/v1/leads", key: key, json: json).status == 201)
        await roomy.stop()
    }
}
