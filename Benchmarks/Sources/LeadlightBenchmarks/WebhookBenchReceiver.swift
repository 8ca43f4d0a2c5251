import Foundation
import Hummingbird
import Logging
import Synchronization

/// The receiver of the webhooks benchmark, in this process on 127.0.0.1: answers 200 at once and notes when
/// each delivery arrived.
final class WebhookBenchReceiver: Sendable {
    struct Arrival: Sendable {
        var arrivedAt: Date
        var body: ByteBuffer
    }

    private let arrivals = Mutex<[Arrival]>([])
    let port: Int
    private let task: Task<Void, any Error>

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    static func start() async throws -> WebhookBenchReceiver {
        let box = Mutex<WebhookBenchReceiver?>(nil)
        let router = Router()
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        router.post("hooks") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let now = Date()
            box.withLock { $0 }?.arrivals.withLock { $0.append(Arrival(arrivedAt: now, body: body)) }
            return .ok
        }
        var logger = Logger(label: "bench-receiver")
        logger.logLevel = .error
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger
        )
        let task = Task { try await app.run() }
        var port = 0
        for await value in stream {
            port = value
            break
        }
        let receiver = WebhookBenchReceiver(port: port, task: task)
        box.withLock { $0 = receiver }
        return receiver
    }

    var url: String { "http://127.0.0.1:\(self.port)/hooks" }
    var count: Int { self.arrivals.withLock { $0.count } }

    func takeAll() -> [Arrival] {
        self.arrivals.withLock { arrivals in
            defer { arrivals.removeAll() }
            return arrivals
        }
    }

    /// Waits until `count` deliveries have arrived; returns when the last of them did.
    func waitFor(_ count: Int, timeout: Duration = .seconds(300)) async throws -> Date {
        let deadline = ContinuousClock.now + timeout
        while self.count < count {
            guard ContinuousClock.now < deadline else {
                throw BenchError("only \(self.count) of \(count) deliveries arrived")
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        return self.arrivals.withLock { $0.map(\.arrivedAt).max() ?? Date() }
    }

    func stop() async {
        self.task.cancel()
        _ = try? await self.task.value
    }
}
