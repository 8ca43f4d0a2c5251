import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import Leadlight

/// `LEADLIGHT_LOG_FORMAT=json` and the access log (issue 14): one JSON object a line, and no secret in any line.
@Suite(.takingTurns) struct LogTests {
    @Test func aJSONLineHasTheFixedFieldsAndTheMetadataAndStaysOneLine() throws {
        let line = JSONLogHandler.line(
            time: Date(timeIntervalSince1970: 1_796_562_245.125), level: .warning,
            message: "two\nlines \"quoted\"", label: "leadlight",
            [
                "request_id": "req_1", "status": .stringConvertible(201), "duration_ms": .stringConvertible(1.5),
                "nested": ["a": "b"], "level": "an attempt to overwrite the level",
            ])
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false, "a message's newline is escaped")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["time"] as? String == "2026-12-06T13:04:05.125Z")
        #expect(object["level"] as? String == "warning")
        #expect(object["message"] as? String == "two\nlines \"quoted\"")
        #expect(object["request_id"] as? String == "req_1")
        #expect(object["status"] as? Int == 201)
        #expect(object["duration_ms"] as? Double == 1.5)
        #expect((object["nested"] as? [String: String]) == ["a": "b"])
    }

    /// A line carries the handler's metadata, its provider's and its own; where they share a key the line's own
    /// wins, then the provider's. Both formats merge them the same way (`LogHandler.metadata(of:)`).
    @Test func aLinesMetadataIsTheHandlersTheProvidersAndItsOwn() throws {
        func configured<Handler: LogHandler>(_ handler: Handler) -> Handler {
            var handler = handler
            for key in ["a", "b", "c"] { handler[metadataKey: key] = "handler" }
            handler.metadataProvider = Logger.MetadataProvider { ["b": "provider", "c": "provider"] }
            return handler
        }
        let lines = WrittenLines()
        let json = configured(JSONLogHandler(label: "leadlight") { line in lines.all.withLock { $0.append(line) } })
        let text = configured(TextLogHandler(label: "leadlight"))
        let event = LogEvent(
            level: .info, message: "m", metadata: ["c": "line"], source: "s", file: #fileID, function: #function,
            line: #line)
        let expected: Logger.Metadata = ["a": "handler", "b": "provider", "c": "line"]
        #expect(json.metadata(of: event) == expected)
        #expect(text.metadata(of: event) == expected)
        json.log(event: event)
        let line = try #require(lines.all.withLock { $0.first })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["a"] as? String == "handler" && object["b"] as? String == "provider")
        #expect(object["c"] as? String == "line")
    }

    /// A server run at the most verbose level, with JSON lines and the access log on, through everything that
    /// handles a secret: the demo's API key (both headers), a key made through the API, a wrong key, the owner's
    /// password and session, a webhook's secret and its signed deliveries, the Postmark token it was given. Then
    /// the whole of its log is read: every line is JSON, each request has its access line, and none of those
    /// secrets is anywhere in it.
    @Test func aServerLogsJSONLinesWithTheRequestsAndNeverASecret() async throws {
        let directory = try makeTemporaryDirectory("leadlight-log")
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = WebhookReceiver()
        try await receiver.start()
        let server = try await ServerProcess.start(
            ["--database-url", directory.appendingPathComponent("log.sqlite").path],
            environment: [
                "LEADLIGHT_LOG_FORMAT": "json", "LEADLIGHT_ACCESS_LOG": "1", "LEADLIGHT_LOG_LEVEL": "trace",
                "LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE": "1", "LEADLIGHT_WEBHOOKS_POLL_INTERVAL": "0.05",
                "LEADLIGHT_BCRYPT_COST": "4", "LEADLIGHT_POSTMARK_TOKEN": Self.postmarkToken,
            ])
        var secrets = [Self.postmarkToken]
        do {
            let key = try #require(server.output.firstMatch(of: /alk_live_[0-9A-Za-z]+/).map { String($0.output) })
            let email = try #require(server.output.firstMatch(of: /Login +(\S+)/).map { String($0.output.1) })
            let password = try #require(server.output.firstMatch(of: /Password +(\S+)/).map { String($0.output.1) })
            secrets += [key, password]

            #expect(try await server.request(.GET, "/api/v1/me", key: key).status == 200)
            #expect(try await Self.send(server, "/api/v1/me", headers: ["X-API-Key": key]).status == 200)
            let wrong = "alk_live_" + String(repeating: "W", count: 40)
            secrets.append(wrong)
            #expect(try await server.request(.GET, "/api/v1/me", key: wrong).status == 401)

            let made = try await server.request(
                .POST, "/api/v1/api-keys", key: key, json: Data(#"{"name":"Second"}"#.utf8))
            #expect(made.status == 201)
            let second = try #require(
                made.body.firstMatch(of: /"apiKey":"(alk_live_[0-9A-Za-z]+)"/).map { String($0.output.1) })
            secrets.append(second)
            #expect(try await server.request(.GET, "/api/v1/workspace", key: second).status == 200)

            let hook = try await server.request(
                .POST, "/api/v1/webhooks", key: key,
                json: try JSONSerialization.data(withJSONObject: ["url": receiver.url, "events": ["*"]]))
            #expect(hook.status == 201)
            let secret = try #require(hook.body.firstMatch(of: /whsec_[0-9A-Za-z+\/=]+/).map { String($0.output) })
            secrets += [secret, String(secret.dropFirst("whsec_".count))]
            let lead = try await server.request(
                .POST, "/api/v1/leads", key: key, json: Data(#"{"name":"Logged","email":"logged@example.com"}"#.utf8))
            #expect(lead.status == 201)
            _ = try await receiver.waitForArrivals(1)
            secrets += receiver.arrivals.flatMap { arrival in
                arrival.headers.filter { $0.key.contains("signature") }.map(\.value)
            }

            let signIn = try await Self.send(
                server, "/login", method: .POST,
                headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body:
                    "email=\(email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&password=\(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            )
            #expect(signIn.status == 303)
            let session = try #require(signIn.cookie)
            secrets.append(String(session.split(separator: "=", maxSplits: 1).last ?? ""))
            #expect(try await Self.send(server, "/", headers: ["Cookie": session]).status == 200)
        } catch {
            await server.stop()
            await receiver.stop()
            throw error
        }
        let (status, log) = await server.process.stopReadingLog()
        await receiver.stop()
        #expect(status == 0)

        let lines = log.split(separator: "\n")
        #expect(lines.count > 20)
        var accessLines: [[String: Any]] = []
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            guard let object else { continue }
            #expect(object["time"] is String && object["level"] is String && object["message"] is String)
            if object["message"] as? String == "request" { accessLines.append(object) }
        }
        let me = accessLines.filter { $0["route"] as? String == "/api/v1/me" }
        #expect(me.count == 3)
        #expect(
            me.allSatisfy { ($0["request_id"] as? String)?.hasPrefix("req_") == true && $0["duration_ms"] is Double })
        #expect(me.filter { $0["status"] as? Int == 200 }.allSatisfy { ($0["workspace_id"] as? String) != nil })
        #expect(me.contains { $0["status"] as? Int == 401 && $0["workspace_id"] == nil })
        #expect(
            accessLines.contains {
                $0["route"] as? String == "/" && $0["status"] as? Int == 200 && $0["workspace_id"] != nil
            }, "the dashboard's pages name the session's workspace")
        for secret in secrets where !secret.isEmpty {
            #expect(!log.contains(secret), "a secret in the log: \(secret.prefix(12))…")
        }
    }

    private static let postmarkToken = "pm-\(UUID().uuidString)"

    private static func send(
        _ server: ServerProcess, _ path: String, method: HTTPMethod = .GET, headers: [String: String] = [:],
        body: String? = nil
    ) async throws -> (status: UInt, cookie: String?) {
        var request = HTTPClientRequest(url: "\(server.baseURL)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        // a redirect is the answer under test (the sign-in's 303), not followed
        let client = HTTPClient(configuration: .init(redirectConfiguration: .disallow))
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 16 << 20)
            try await client.shutdown()
            let cookie = response.headers["Set-Cookie"].first.map { String($0.prefix { $0 != ";" }) }
            return (response.status.code, cookie)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

/// What a `JSONLogHandler` wrote, line by line.
private final class WrittenLines: Sendable {
    let all = Mutex<[[UInt8]]>([])
}
