import ArgumentParser
import Foundation
import Leadlight

/// `--database-url`, shared by every subcommand that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help:
            "postgres://… for PostgreSQL, otherwise a SQLite file path (default ./leadlight.sqlite; env LEADLIGHT_DATABASE_URL)."
    )
    var databaseURL: String?

    /// The environment's configuration with the flags applied on top.
    func configuration() throws -> LeadlightConfiguration {
        var configuration = try LeadlightConfiguration(environment: ProcessInfo.processInfo.environment)
        if let databaseURL { configuration.database = DatabaseLocation(databaseURL) }
        return configuration
    }
}
