import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A webhook receiver on 127.0.0.1, as a customer would run one: it records every request it gets (headers,
/// raw body, arrival time) and answers as `respond` says, which tests change to play a receiver that is down,
/// slow, gone (410) or fine.
final class WebhookReceiver: Sendable {
    struct Arrival: Sendable {
        var headers: [String: String]
        var body: String
        var arrivedAt: Date
        var eventID: String { self.headers["x-organicagent-event-id"] ?? "" }
    }

    /// What to answer: a status and how long to wait first.
    struct Answer: Sendable {
        var status: HTTPResponse.Status = .ok
        var delay: Duration = .zero
    }

    private let state = Mutex<(arrivals: [Arrival], answer: Answer)>(([], Answer()))
    private let task: Mutex<Task<Void, any Error>?> = Mutex(nil)
    private let boundPort = Atomic<Int>(0)

    var port: Int { self.boundPort.load(ordering: .relaxed) }

    var url: String { "http://127.0.0.1:\(self.port)/hooks" }
    var arrivals: [Arrival] { self.state.withLock { $0.arrivals } }

    func answer(_ answer: Answer) {
        self.state.withLock { $0.answer = answer }
    }

    /// Starts listening, on `port` if given (to come back up where it was), else on a free one.
    func start(port: Int = 0) async throws {
        let router = Router()
        router.post("hooks") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 10 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let answer = self.state.withLock { state in
                state.arrivals.append(
                    Arrival(headers: headers, body: String(buffer: body), arrivedAt: Date())
                )
                return state.answer
            }
            if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
            return Response(
                status: answer.status, body: .init(byteBuffer: ByteBuffer(string: "answered \(answer.status.code)")))
        }
        let (ready, signal) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in signal.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let task = Task { try await app.run() }
        self.task.withLock { $0 = task }
        for await bound in ready {
            self.boundPort.store(bound, ordering: .relaxed)
            break
        }
    }

    /// Stops listening: connections are refused until `start(port:)` again.
    func stop() async {
        let task = self.task.withLock { task in
            defer { task = nil }
            return task
        }
        task?.cancel()
        _ = try? await task?.value
    }

    /// Waits until `count` requests have arrived, or `timeout` passes (then the test sees fewer).
    func waitForArrivals(_ count: Int, timeout: Duration = .seconds(30)) async throws -> [Arrival] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let arrivals = self.arrivals
            if arrivals.count >= count { return arrivals }
            try await Task.sleep(for: .milliseconds(20))
        }
        return self.arrivals
    }
}
