import AsyncHTTPClient
import Synchronization

/// The HTTP clients the delivery worker sends with.
///
/// A target whose host is an address goes through one shared client. A host name goes through a client of its
/// own that connects that name to the address `WebhookTargetPolicy` checked (AsyncHTTPClient's `dnsOverride`,
/// which keeps the name for the Host header, TLS server name and certificate check), so no second DNS lookup can
/// send the request elsewhere. Clients are kept so their connections are reused; beyond `capacity` of them the
/// least recently used idle ones are shut down (a client in use never is, so while more than `capacity` hosts
/// are being sent to at once there are more).
final class WebhookHTTPClients: Sendable {
    private let configuration: HTTPClient.Configuration
    private let capacity: Int
    private let shared: HTTPClient
    private let pinned = Mutex(Pinned())

    private struct Key: Hashable {
        var host: String
        var address: String
    }

    private struct Entry {
        var client: HTTPClient
        var inFlight: Int
        var lastUsed: UInt64
    }

    private struct Pinned {
        var entries: [Key: Entry] = [:]
        var uses: UInt64 = 0
        var isShutDown = false

        /// Takes the least recently used idle clients out until at most `capacity` are left, or none is idle.
        mutating func evict(downTo capacity: Int) -> [HTTPClient] {
            var evicted: [HTTPClient] = []
            while self.entries.count > capacity,
                let oldest = self.entries.filter({ $0.value.inFlight == 0 })
                    .min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key
            {
                evicted.append(self.entries.removeValue(forKey: oldest)!.client)
            }
            return evicted
        }
    }

    init(configuration: HTTPClient.Configuration, capacity: Int = 128) {
        self.configuration = configuration
        self.capacity = capacity
        self.shared = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// How many pinned clients are open.
    var pinnedCount: Int { self.pinned.withLock { $0.entries.count } }

    /// Runs `body` with the client for `target`, which stays open at least until `body` returns. After
    /// `shutdown()` it throws `HTTPClientError.alreadyShutdown`.
    func withClient<T>(for target: WebhookTarget, _ body: (HTTPClient) async throws -> T) async throws -> T {
        guard target.isPinned else { return try await body(self.shared) }
        let key = Key(host: target.host, address: target.address.description)
        let client = try self.acquire(key)
        do {
            let result = try await body(client)
            self.release(key)
            return result
        } catch {
            self.release(key)
            throw error
        }
    }

    /// Shuts every client down; call once nothing is sent any more.
    func shutdown() async throws {
        let clients = self.pinned.withLock { pinned in
            defer {
                pinned.entries = [:]
                pinned.isShutDown = true
            }
            return pinned.entries.values.map(\.client)
        }
        for client in clients { try? await client.shutdown() }
        try await self.shared.shutdown()
    }

    private func acquire(_ key: Key) throws -> HTTPClient {
        let (client, evicted) = try self.pinned.withLock { pinned throws -> (HTTPClient, [HTTPClient]) in
            guard !pinned.isShutDown else { throw HTTPClientError.alreadyShutdown }
            pinned.uses += 1
            if var entry = pinned.entries[key] {
                entry.inFlight += 1
                entry.lastUsed = pinned.uses
                pinned.entries[key] = entry
                return (entry.client, [])
            }
            var configuration = self.configuration
            configuration.dnsOverride = [key.host: key.address]
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            pinned.entries[key] = Entry(client: client, inFlight: 1, lastUsed: pinned.uses)
            return (client, pinned.evict(downTo: self.capacity))
        }
        Self.shutDown(evicted)
        return client
    }

    private func release(_ key: Key) {
        let evicted = self.pinned.withLock { pinned in
            pinned.uses += 1
            pinned.entries[key]?.inFlight -= 1
            pinned.entries[key]?.lastUsed = pinned.uses
            return pinned.evict(downTo: self.capacity)
        }
        Self.shutDown(evicted)
    }

    /// Idle clients, with nothing of theirs in flight: shut down without waiting.
    private static func shutDown(_ clients: [HTTPClient]) {
        for client in clients { client.shutdown { _ in } }
    }
}
