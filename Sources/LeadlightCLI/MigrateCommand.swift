import ArgumentParser
import Leadlight

/// `leadlight migrate`: apply pending schema migrations and exit (`serve` does this too, at start).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try self.database.configuration()
        let logger = CommandLineSupport.makeLogger(configuration)
        let applied = try await CommandLineSupport.withDatabase(configuration, logger: logger, migrating: false) {
            try await Migrator(database: $0, clock: configuration.clock).migrate(logger: logger)
        }
        CommandLineSupport.printLine(
            applied.isEmpty ? "The database is up to date." : "Applied: \(applied.joined(separator: ", "))"
        )
    }
}
