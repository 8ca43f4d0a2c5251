import ArgumentParser
import Leadlight
import ServiceLifecycle

/// `leadlight worker`: only the webhook delivery worker, for running more of them beside the servers.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Deliver webhooks, without serving HTTP. Stops gracefully on SIGINT/SIGTERM.",
        discussion: """
            `leadlight serve` runs a worker too (unless LEADLIGHT_WEBHOOKS_WORKER=0). Any number of workers can \
            share one PostgreSQL database: each claims different deliveries.
            """
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try self.database.configuration()
        let logger = CommandLineSupport.makeLogger(configuration)
        try await CommandLineSupport.withDatabase(configuration, logger: logger) { database in
            let worker = WebhookDeliveryService(
                database: database, configuration: configuration.webhooks, clock: configuration.clock, logger: logger
            )
            var group = ServiceGroupConfiguration(
                services: [.init(service: worker)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            group.maximumGracefulShutdownDuration = configuration.shutdownGrace
            group.maximumCancellationDuration = .seconds(5)
            CommandLineSupport.printLine("Leadlight webhook worker running (\(configuration.database))")
            try await ServiceGroup(configuration: group).run()
        }
    }
}
