import ArgumentParser
import Foundation
import Leadlight

/// `leadlight mcp`: MCP over standard input and output for the workspace of an API key (docs/MCP.md). Exits 0
/// when the client closes standard input, 1 when the key is refused.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the workspace's tools to an AI assistant over MCP on standard input and output.")

    @Option(
        name: .customLong("api-key"),
        help: "The workspace's API key (env LEADLIGHT_API_KEY; better there than on a command line).")
    var apiKey: String?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        guard let key = self.apiKey ?? ProcessInfo.processInfo.environment["LEADLIGHT_API_KEY"], !key.isEmpty else {
            throw ValidationError("an API key is required: set LEADLIGHT_API_KEY (or pass --api-key)")
        }
        let configuration = try self.database.configuration()
        let logger = CommandLineSupport.makeLogger(configuration)
        do {
            try await CommandLineSupport.withDatabase(configuration, logger: logger) { database in
                try await MCPStdio.serve(key: key, database: database, clock: configuration.clock, logger: logger)
            }
        } catch let refused as MCPStdio.KeyRefused {
            CommandLineSupport.printError(refused.description)
            throw ExitCode(1)
        }
    }
}
