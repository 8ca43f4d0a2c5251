import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Where Prometheus reads the metrics: `GET /metrics` on a listener of its own (`--metrics-port`), bound to
/// 127.0.0.1 unless `--metrics-host` says otherwise, so the figures are never on the public listener by accident.
package struct MetricsConfiguration: Sendable {
    package var host = "127.0.0.1"
    /// Off when nil; 0 picks a free port.
    package var port: Int?

    package init() {}
}

enum MetricsServer {
    /// The listener, as a service to run beside the server.
    static func application(
        _ configuration: MetricsConfiguration, port: Int, metrics: ServerMetrics, database: LeadlightDatabase,
        clock: WallClock, logger: Logger, onRunning: @escaping @Sendable (_ port: Int) async -> Void
    ) -> some Service {
        let router = Router()
        router.get("metrics") { _, _ in
            let text = await metrics.exposition(database: database, now: clock.now)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: port), serverName: "Leadlight metrics"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
