import AsyncHTTPClient
import Foundation
import Synchronization
import Testing

@testable import Leadlight

/// An attempt connects to the address that was checked, never to what a second DNS lookup says (rebinding).
@Suite struct WebhookTargetTests {
    /// `.test` names never resolve (RFC 6761): a request that reaches the receiver under one was connected to the
    /// address our resolver gave, not looked up again by the HTTP client.
    @Test func aHostNameIsConnectedToTheAddressThatWasCheckedOncePerAttempt() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        let lookups = Mutex<[String]>([])
        let policy = WebhookTargetPolicy(allowPrivate: true) { host in
            lookups.withLock { $0.append(host) }
            // IPv6 first, as a resolver may answer: the receiver listens on IPv4 only, so this also shows the choice
            return [.v6([UInt8](repeating: 0, count: 15) + [1]), .v4([127, 0, 0, 1])]
        }
        let clients = WebhookHTTPClients(configuration: .init())
        let sender = WebhookSender(clients: clients, policy: policy, timeout: .seconds(10), clock: .system)
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
        try await clients.shutdown()
        await receiver.stop()
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
    /// client is shut down.
    @Test func clientsAreKeptUpToTheirCapacityAndNoneInUseIsShutDown() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        let clients = WebhookHTTPClients(configuration: .init(), capacity: 2)
        func target(_ host: String) -> WebhookTarget {
            WebhookTarget(
                url: URL(string: "http://\(host):\(receiver.port)/hooks")!, host: host, address: .v4([127, 0, 0, 1]))
        }
        let status = try await clients.withClient(for: target("a.leadlight.test")) { first in
            try await clients.withClient(for: target("b.leadlight.test")) { _ in }
            try await clients.withClient(for: target("c.leadlight.test")) { _ in }  // b, idle and oldest, goes
            #expect(clients.pinnedCount == 2)
            var request = HTTPClientRequest(url: target("a.leadlight.test").url.absoluteString)
            request.method = .POST
            return try await first.execute(request, timeout: .seconds(10)).status  // a's client still works
        }
        #expect(status == .ok)
        try await clients.withClient(for: target("c.leadlight.test")) { _ in }
        #expect(clients.pinnedCount == 2, "c was reused")
        try await clients.withClient(for: target("127.0.0.1")) { _ in }
        #expect(clients.pinnedCount == 2, "an address needs no pinned client")
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
