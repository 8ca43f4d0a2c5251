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
    /// While down: a socket bound to the port but not listening, so connections are refused and no other server
    /// here can be given the port.
    private let placeholder = Mutex<Int32?>(nil)

    var port: Int { self.boundPort.load(ordering: .relaxed) }

    var url: String { "http://127.0.0.1:\(self.port)/hooks" }
    var arrivals: [Arrival] { self.state.withLock { $0.arrivals } }

    func answer(_ answer: Answer) {
        self.state.withLock { $0.answer = answer }
    }

    /// Starts listening, on `port` if given (to come back up where it was), else on a free one.
    func start(port: Int = 0) async throws {
        self.releasePlaceholder()
        let router = Router()
        router.post("hooks") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 10 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            headers["host"] = request.head.authority  // HTTPTypes keeps the Host header as the authority
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
        let (task, bound) = try await LoopbackServer.start(router, label: "webhook-receiver", port: port)
        self.task.withLock { $0 = task }
        self.boundPort.store(bound, ordering: .relaxed)
    }

    /// Stops listening and lets the port go.
    func stop() async {
        let task = self.task.withLock { task in
            defer { task = nil }
            return task
        }
        task?.cancel()
        _ = try? await task?.value
        self.releasePlaceholder()
    }

    /// Stops listening but keeps the port, as a machine whose receiver process is down: connections are refused
    /// until `start(port: port)`. (Freed, the port could be handed to another test's server meanwhile, which
    /// would answer 404 instead.) Before the receiver has had any connection only: a closed connection's
    /// TIME_WAIT keeps the port from being bound again for a minute, and this throws.
    func goDown() async throws {
        let port = self.port
        await self.stop()
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw PlaceholderFailure(port: port, code: errno) }
        let bound = LoopbackAddress.with(port: port) { bind(descriptor, $0, $1) }
        guard bound == 0 else {
            let code = errno
            close(descriptor)
            throw PlaceholderFailure(port: port, code: code)
        }
        self.placeholder.withLock { $0 = descriptor }
    }

    private func releasePlaceholder() {
        if let descriptor = self.placeholder.withLock({ $0.take() }) { close(descriptor) }
    }

    struct PlaceholderFailure: Error, CustomStringConvertible {
        var port: Int
        var code: Int32
        var description: String {
            "could not hold port \(self.port) while down: \(String(cString: strerror(self.code)))"
        }
    }

    /// Waits until `count` requests have arrived, or `timeout` passes (then the test sees fewer).
    /// The first arrival of each of `count` different events, in arrival order. Delivery is at least once: on a
    /// busy machine an attempt that outlives its timeout is tried again, so an event may arrive twice.
    func waitForDistinctEvents(_ count: Int, timeout: Duration = .seconds(30)) async throws -> [Arrival] {
        let deadline = ContinuousClock.now + timeout
        while true {
            var seen = Set<String>()
            let distinct = self.arrivals.filter { seen.insert($0.eventID).inserted }
            if distinct.count >= count || ContinuousClock.now >= deadline { return distinct }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

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
