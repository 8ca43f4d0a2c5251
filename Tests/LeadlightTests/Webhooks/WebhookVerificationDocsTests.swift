import Foundation
import Synchronization
import Testing

@testable import Leadlight

/// The receiver code in docs/webhooks.md works: its JavaScript and Python run in node and python3, its Swift
/// is compiled here (DocumentedSwiftVerifier.swift, checked to be the same text), all on real deliveries of
/// awkward data; a tampered body is refused by each.
@Suite struct WebhookVerificationDocsTests {
    static let document: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("docs/webhooks.md"), encoding: .utf8)) ?? ""
    }()

    /// The fenced block after `<!-- verify:language -->`.
    static func block(_ language: String) throws -> String {
        let marker = "<!-- verify:\(language) -->\n```"
        let start = try #require(Self.document.range(of: marker), "docs/webhooks.md has no \(language) block")
        let afterFence = try #require(Self.document[start.upperBound...].firstIndex(of: "\n"))
        let rest = Self.document[Self.document.index(after: afterFence)...]
        let end = try #require(rest.range(of: "```"))
        return String(rest[..<end.lowerBound])
    }

    /// Real deliveries of every event type, plus one with its body tampered with.
    static func deliveries(on database: TestDatabase) async throws -> (secret: String, deliveries: [[String: Any]]) {
        let captured = Captured()
        try await withWebhookApp(database) { client, key, receiver, _ in
            let webhook = try await client.registerWebhook(receiver.url, key: key)
            try await WebhookSignatureTests.makeEveryEvent(client, key: key, webhook: webhook.id)
            let arrivals = try await receiver.waitForDistinctEvents(WebhookSignatureTests.eventCount)
            captured.set(webhook.secret, arrivals)
        }
        var deliveries = captured.arrivals.map { ["headers": $0.headers, "body": $0.body] as [String: Any] }
        if let first = captured.arrivals.first {
            deliveries.append(["headers": first.headers, "body": first.body.replacingOccurrences(of: "Zo", with: "Yo")])
        }
        return (captured.secret, deliveries)
    }

    static var expected: [String] { Array(repeating: "ok", count: WebhookSignatureTests.eventCount) + ["refused"] }

    @Test(.enabled(if: ExternalTool.nodeAvailable))
    func theJavaScriptVerifies() async throws {
        let (secret, deliveries) = try await Self.deliveries(on: .sqlite)
        let script =
            try Self.block("javascript") + """
                const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
                console.log(JSON.stringify(input.deliveries.map(({ headers, body }) => {
                  try { verifyLeadlightWebhook(body, headers, input.secret); return "ok"; } catch (e) { return "refused"; }
                })));
                """
        let output = try await ExternalTool.run(
            "node", ["-e", script],
            input: try JSONSerialization.data(withJSONObject: ["secret": secret, "deliveries": deliveries]))
        #expect(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String] == Self.expected)
    }

    @Test(.enabled(if: ExternalTool.find("python3") != nil || ExternalTool.required))
    func thePythonVerifies() async throws {
        let (secret, deliveries) = try await Self.deliveries(on: .sqlite)
        let script =
            try Self.block("python") + """

                import sys
                given = json.load(sys.stdin)
                results = []
                for delivery in given["deliveries"]:
                    try:
                        verify_leadlight_webhook(delivery["body"].encode(), delivery["headers"], given["secret"])
                        results.append("ok")
                    except ValueError:
                        results.append("refused")
                print(json.dumps(results))
                """
        let output = try await ExternalTool.run(
            "python3", ["-c", script],
            input: try JSONSerialization.data(withJSONObject: ["secret": secret, "deliveries": deliveries]))
        #expect(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String] == Self.expected)
    }

    @Test func theSwiftVerifiesAndIsTheDocumentedCode() async throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("DocumentedSwiftVerifier.swift")
        let compiled = try String(contentsOf: source, encoding: .utf8)
        #expect(
            compiled.hasSuffix(try Self.block("swift")), "DocumentedSwiftVerifier.swift and docs/webhooks.md differ")

        let (secret, deliveries) = try await Self.deliveries(on: .sqlite)
        let results = deliveries.map { delivery -> String in
            let headers = delivery["headers"] as? [String: String] ?? [:]
            let body = Data((delivery["body"] as? String ?? "").utf8)
            return (try? verifyLeadlightWebhook(body: body, headers: headers, secret: secret)) != nil ? "ok" : "refused"
        }
        #expect(results == Self.expected)
    }

    private final class Captured: Sendable {
        private let state = Mutex<(secret: String, arrivals: [WebhookReceiver.Arrival])>(("", []))
        var secret: String { self.state.withLock { $0.secret } }
        var arrivals: [WebhookReceiver.Arrival] { self.state.withLock { $0.arrivals } }

        func set(_ secret: String, _ arrivals: [WebhookReceiver.Arrival]) {
            self.state.withLock { $0 = (secret, arrivals) }
        }
    }
}
