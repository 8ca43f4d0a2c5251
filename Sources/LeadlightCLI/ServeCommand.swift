import ArgumentParser
import Foundation
import Hummingbird
import Leadlight
import ServiceLifecycle

/// `leadlight serve`: migrate, create the demo workspace on first run, then serve until SIGINT/SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP server.")

    @Option(help: "Address to listen on (env LEADLIGHT_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (env LEADLIGHT_PORT, default 8080).")
    var port: Int?

    @Option(
        name: .customLong("rate-limit"),
        help: "Requests per minute per API key (env LEADLIGHT_RATE_LIMIT, default 100).")
    var rateLimit: Int?

    @Option(
        name: .customLong("metrics-port"),
        help:
            "Serve Prometheus metrics at /metrics on this port; 0 picks a free one (env LEADLIGHT_METRICS_PORT, default off)."
    )
    var metricsPort: Int?

    @Option(
        name: .customLong("metrics-host"),
        help: "Address the metrics listener binds to (env LEADLIGHT_METRICS_HOST, default 127.0.0.1).")
    var metricsHost: String?

    @OptionGroup var database: DatabaseOptions

    /// The environment's settings with the flags applied on top.
    func configuration() throws -> LeadlightConfiguration {
        var configuration = try self.database.configuration()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let rateLimit {
            guard rateLimit >= 1 else { throw ValidationError("--rate-limit must be at least 1") }
            configuration.rateLimitPerMinute = rateLimit
        }
        if let metricsPort {
            guard (0...65535).contains(metricsPort) else { throw ValidationError("--metrics-port must be 0 to 65535") }
            configuration.metrics.port = metricsPort
        }
        if let metricsHost { configuration.metrics.host = metricsHost }
        return configuration
    }

    func run() async throws {
        // A file at the size limit an operator set (`ulimit -f`) fails the write, which SQLite reports and the
        // request answers 503 (`storage_unavailable`); by default the signal would end the process instead.
        signal(SIGXFSZ, SIG_IGN)
        let configuration = try self.configuration()
        let logger = CommandLineSupport.makeLogger(configuration)
        try await CommandLineSupport.withDatabase(configuration, logger: logger) { database in
            let provisioner = WorkspaceProvisioner(
                database: database,
                passwordHasher: PasswordHasher(cost: configuration.passwordHashCost),
                clock: configuration.clock
            )
            let demo = try await DemoWorkspace.createIfDatabaseIsEmpty(using: provisioner)
            let displayHost = ["0.0.0.0", "::", ""].contains(configuration.host) ? "127.0.0.1" : configuration.host
            let app = try buildApplication(
                configuration, database: database, logger: logger,
                onServerRunning: { port in
                    let baseURL = "http://\(displayHost):\(port)"
                    // One write, so a process reading our output sees the banner together with the address.
                    let listening = "Leadlight is listening on \(baseURL) (\(configuration.database))"
                    let banner = demo.map { "\n" + DemoWorkspace.banner(for: $0, baseURL: baseURL) } ?? ""
                    CommandLineSupport.printLine(listening + banner)
                },
                onMetricsRunning: { port in
                    CommandLineSupport.printLine(
                        "Metrics for Prometheus at http://\(configuration.metrics.host):\(port)/metrics")
                })
            // SIGTERM or SIGINT: stop accepting, finish what is in flight (at most the grace), then exit 0
            var group = ServiceGroupConfiguration(
                services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            group.maximumGracefulShutdownDuration = configuration.shutdownGrace
            group.maximumCancellationDuration = .seconds(5)
            try await ServiceGroup(configuration: group).run()
        }
    }
}
