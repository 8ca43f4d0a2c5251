import Hummingbird
import Logging

/// A Hummingbird app of a test's own on 127.0.0.1, standing in for a service elsewhere (a webhook receiver,
/// HubSpot): started on `port` or a free one, and run until its task is cancelled.
enum LoopbackServer {
    /// Starts `router`'s app; returns once it listens, with its task and port.
    static func start(_ router: Router<BasicRequestContext>, label: String, port: Int = 0) async throws
        -> (task: Task<Void, any Error>, port: Int)
    {
        let (ready, signal) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in signal.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let task = Task { try await app.run() }
        var bound = 0
        for await port in ready {
            bound = port
            break
        }
        return (task, bound)
    }
}
