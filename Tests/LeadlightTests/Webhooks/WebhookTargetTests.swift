import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Synchronization
import Testing

@testable import Leadlight

/// An attempt connects to the address that was checked, never to what a second DNS lookup says (rebinding).
@Suite struct WebhookTargetTests {
    /// How long a request here may take. Nothing here is about speed, and these tests start with the whole suite:
    /// in its first seconds a request to a receiver in this process has waited 8 s for Swift's executor.
    static let patience = Duration.seconds(30)

    /// `.test` names never resolve (RFC 6761): a request that reaches the receiver under one was connected to the
    /// address our resolver gave, not looked up again by the HTTP client.
    @Test func aHostNameIsConnectedToTheAddressThatWasCheckedOncePerAttempt() async throws {
        try await Self.withReceiverAndClients { receiver, clients in
            let lookups = Mutex<[String]>([])
            let policy = WebhookTargetPolicy(allowPrivate: true) { host in
                lookups.withLock { $0.append(host) }
                // IPv6 first, as a resolver may answer: the receiver listens on IPv4 only, so this shows the choice
                return [.v6([UInt8](repeating: 0, count: 15) + [1]), .v4([127, 0, 0, 1])]
            }
            let sender = WebhookSender(clients: clients, policy: policy, timeout: Self.patience, clock: .system)
            let url = "http://receiver.leadlight.test:\(receiver.port)/hooks"

            for number in 1...2 {
                let attempt = await sender.attempt(Self.delivery(to: url))
                #expect(attempt.statusCode == 200, "\(attempt.error ?? "")")
                #expect(lookups.withLock { $0 } == Array(repeating: "receiver.leadlight.test", count: number))
            }
            #expect(
                receiver.arrivals.map { $0.headers["host"] }
                    == Array(repeating: "receiver.leadlight.test:\(receiver.port)", count: 2))
            #expect(clients.pinnedCount == 1, "the second attempt reused the first one's client")
        }
    }

    @Test func withPrivateTargetsRefusedEveryAddressOfTheNameMustBePublic() async throws {
        let policy = WebhookTargetPolicy(allowPrivate: false) { _ in
            [.v4([93, 184, 215, 14]), .v4([127, 0, 0, 1])]
        }
        await #expect(throws: WebhookTargetPolicy.Refusal.self) {
            try await policy.target("https://rebinding.leadlight.test/hooks")
        }
        let publicOnly = WebhookTargetPolicy(allowPrivate: false) { _ in [.v4([93, 184, 215, 14])] }
        let target = try await publicOnly.target("https://hooks.leadlight.test/in")
        #expect(target.address == .v4([93, 184, 215, 14]))
        #expect(target.isPinned)
        // a literal address is used as written, and refused when it is inward
        let literal = try await publicOnly.target("http://93.184.215.14:8080/in")
        #expect(!literal.isPinned && literal.address == .v4([93, 184, 215, 14]))
        await #expect(throws: WebhookTargetPolicy.Refusal.self) { try await publicOnly.target("http://[::1]/in") }
    }

    @Test func literalsAreReadOnlyInTheirStandardSpelling() {
        #expect(IPAddress(literal: "127.0.0.1") == .v4([127, 0, 0, 1]))
        #expect(IPAddress(literal: "::1") == .v6([UInt8](repeating: 0, count: 15) + [1]))
        #expect(IPAddress(literal: "2130706433") == nil, "left to the resolver, and so pinned")
        #expect(IPAddress(literal: "hooks.example.com") == nil)
    }

    /// A client sending stays open while others come and go; beyond the capacity the least recently used idle
    /// clients are shut down, when another is taken or one is put back.
    @Test func clientsAreKeptUpToTheirCapacityAndNoneInUseIsShutDown() async throws {
        try await Self.withReceiverAndClients(capacity: 2) { receiver, clients in
            func target(_ host: String) -> WebhookTarget {
                WebhookTarget(
                    url: URL(string: "http://\(host):\(receiver.port)/hooks")!, host: host,
                    address: .v4([127, 0, 0, 1]))
            }
            func post(with client: HTTPClient, to host: String) async throws -> HTTPResponseStatus {
                var request = HTTPClientRequest(url: target(host).url.absoluteString)
                request.method = .POST
                return try await client.execute(request, timeout: .seconds(Self.patience.components.seconds)).status
            }
            try await clients.withClient(for: target("a.leadlight.test")) { a in
                try await clients.withClient(for: target("b.leadlight.test")) { _ in }
                try await clients.withClient(for: target("c.leadlight.test")) { _ in }  // b, idle and oldest, goes
                #expect(clients.pinnedCount == 2)
                #expect(try await post(with: a, to: "a.leadlight.test") == .ok, "a's client still works")
                try await clients.withClient(for: target("b.leadlight.test")) { b in
                    try await clients.withClient(for: target("d.leadlight.test")) { _ in
                        #expect(clients.pinnedCount == 3, "a and b are in use: none can go")
                    }
                    #expect(clients.pinnedCount == 2, "d went when it was put back")
                    #expect(try await post(with: b, to: "b.leadlight.test") == .ok)
                }
            }
            try await clients.withClient(for: target("127.0.0.1")) { _ in }
            #expect(clients.pinnedCount == 2, "an address needs no pinned client")
        }
    }

    @Test func noClientIsHandedOutAfterShutdown() async throws {
        let clients = WebhookHTTPClients(configuration: .init())
        try await clients.shutdown()
        let target = WebhookTarget(
            url: URL(string: "http://a.leadlight.test/hooks")!, host: "a.leadlight.test", address: .v4([127, 0, 0, 1]))
        await #expect(throws: HTTPClientError.alreadyShutdown) {
            try await clients.withClient(for: target) { _ in }
        }
        #expect(clients.pinnedCount == 0)
    }

    /// A started receiver and fresh clients for `body`, both shut down however it ends (a client left running
    /// stops the test process in a debug build).
    private static func withReceiverAndClients(
        capacity: Int = 128,
        _ body: (WebhookReceiver, WebhookHTTPClients) async throws -> Void
    ) async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        let clients = WebhookHTTPClients(configuration: .init(), capacity: capacity)
        do {
            try await body(receiver, clients)
        } catch {
            try? await clients.shutdown()
            await receiver.stop()
            throw error
        }
        try await clients.shutdown()
        await receiver.stop()
    }

    private static func delivery(to url: String) -> ClaimedWebhookDelivery {
        ClaimedWebhookDelivery(
            id: .generate(), previousAttempts: 0, endpointID: .generate(), url: url, secret: .generate(),
            eventID: .generate(), eventType: .leadCreated, data: #"{"id":"lead_1","name":"Ada"}"#, agentID: "agent"
        )
    }
}
