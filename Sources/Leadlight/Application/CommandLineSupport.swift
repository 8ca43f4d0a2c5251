import Foundation
import Logging

/// What the `leadlight` subcommands share: logging to stderr (stdout is for output other tools read),
/// and a migrated database that is closed again however the command ends.
package enum CommandLineSupport {
    package static func makeLogger(_ configuration: LeadlightConfiguration) -> Logger {
        var logger = Logger(label: "leadlight") { label in
            switch configuration.logFormat {
            case .text: TextLogHandler(label: label)
            case .json: JSONLogHandler(label: label)
            }
        }
        logger.logLevel = configuration.logLevel
        return logger
    }

    /// Opens the database, applies pending migrations unless `migrating` is false, runs `body`, closes.
    package static func withDatabase<T: Sendable>(
        _ configuration: LeadlightConfiguration,
        logger: Logger,
        migrating: Bool = true,
        _ body: (LeadlightDatabase) async throws -> T
    ) async throws -> T {
        try await LeadlightDatabase.withOpen(configuration.database, logger: logger) { database in
            if migrating {
                try await Migrator(database: database, clock: configuration.clock).migrate(logger: logger)
            }
            return try await body(database)
        }
    }

    /// Writes a line to stdout unbuffered, so a process reading our output sees it at once.
    package static func printLine(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes a line to stderr.
    package static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Compact JSON with ISO 8601 times, as the API writes it.
    package static func printJSON(_ value: some Encodable) throws {
        let data = try LeadlightJSON.encoder().encode(value)
        Self.printLine(String(decoding: data, as: UTF8.self))
    }
}

extension ValidationFailure: CustomStringConvertible {
    package var description: String {
        self.fields.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
    }
}

extension WorkspaceStore.AgentIDTaken: CustomStringConvertible {
    package var description: String { "the agentId \(self.agentID) is already used by another workspace" }
}

extension UserStore.EmailTaken: CustomStringConvertible {
    package var description: String { "the email \(self.email) already has a login" }
}

extension APIError: CustomStringConvertible {
    package var description: String { self.message }
}
