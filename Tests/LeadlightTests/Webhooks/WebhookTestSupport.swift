import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

@testable import Leadlight

/// Settings that keep webhook tests fast: loopback targets allowed, quick polls, short retries and timeouts.
func fastWebhooks(_ configuration: inout LeadlightConfiguration) {
    configuration.webhooks.allowPrivateTargets = true
    configuration.rateLimitPerMinute = 100_000  // these tests poll the delivery log often
    configuration.webhooks.pollInterval = .milliseconds(50)
    // 3 s, not 1: on CI's two busy cores an attempt could outlive 1 s and be sent again (at least once is
    // allowed, but these tests count arrivals); the timeout test sets its own 1 s
    configuration.webhooks.timeout = .seconds(3)
    // longer than any attempt, or a slow attempt still in flight could be claimed and sent a second time
    configuration.webhooks.claimLease = .seconds(10)
    configuration.webhooks.retrySchedule = WebhookRetrySchedule(
        waits: [.milliseconds(300), .milliseconds(600), .milliseconds(1200)], jitter: 0.2
    )
}

/// A live server with its delivery worker, a workspace key and a running receiver.
func withWebhookApp(
    _ kind: TestDatabase,
    configure: @escaping (inout LeadlightConfiguration) -> Void = { _ in },
    _ body: @escaping @Sendable (any TestClientProtocol, String, WebhookReceiver, TestSeed) async throws -> Void
) async throws {
    try await withTestApp(
        kind,
        configure: { configuration in
            fastWebhooks(&configuration)
            configure(&configuration)
        }
    ) { app, seed in
        let key = try await seed.apiKey()
        let receiver = WebhookReceiver()
        try await receiver.start()
        do {
            try await app.test(.live) { client in try await body(client, key, receiver, seed) }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }
}

extension TestClientProtocol {
    /// Registers `url` for `events` and returns the endpoint's id and secret.
    func registerWebhook(_ url: String, events: [String] = ["*"], key: String) async throws -> (
        id: String, secret: String
    ) {
        let created = try await self.send(.post, "/api/v1/webhooks", json: ["url": url, "events": events], key: key)
        guard created.status == .created, let id = try created.json["id"] as? String,
            let secret = try created.json["secret"] as? String
        else { throw UnexpectedAnswer(status: created.status, body: String(buffer: created.body)) }
        return (id, secret)
    }

    /// POSTs `json` and returns the new resource's id under `idKey`.
    func create(_ path: String, _ json: [String: Any], idKey: String, key: String) async throws -> String {
        let created = try await self.send(.post, path, json: json, key: key)
        guard created.status == .created, let id = try created.json[idKey] as? String else {
            throw UnexpectedAnswer(status: created.status, body: String(buffer: created.body))
        }
        return id
    }
}

struct UnexpectedAnswer: Error, CustomStringConvertible {
    var status: HTTPResponse.Status
    var body: String
    var description: String { "unexpected answer \(self.status.code): \(self.body)" }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(
    timeout: Duration = .seconds(15), _ condition: @Sendable () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(25))
    }
    return try await condition()
}

extension TestClientProtocol {
    /// The endpoint's delivery log, newest first.
    func deliveries(of webhook: String, key: String) async throws -> [[String: Any]] {
        let response = try await self.get("/api/v1/webhooks/\(webhook)/deliveries", key: key)
        guard response.status == .ok else {
            throw UnexpectedAnswer(status: response.status, body: String(buffer: response.body))
        }
        return try response.json["deliveries"] as? [[String: Any]] ?? []
    }

    func webhook(_ id: String, key: String) async throws -> [String: Any] {
        let response = try await self.get("/api/v1/webhooks/\(id)", key: key)
        guard response.status == .ok else {
            throw UnexpectedAnswer(status: response.status, body: String(buffer: response.body))
        }
        return try response.json
    }
}

/// An ISO 8601 time from a response body.
func time(_ value: Any?) -> Date? {
    guard let text = value as? String else { return nil }
    return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
}

/// When an attempt of a delivery's `attemptLog` ended: its start plus its latency.
func ended(_ attempt: [String: Any]) -> Date? {
    guard let started = time(attempt["startedAt"]), let latency = attempt["latencyMs"] as? Int else { return nil }
    return started.addingTimeInterval(Double(latency) / 1000)
}
