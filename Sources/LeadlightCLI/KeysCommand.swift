import ArgumentParser
import Foundation
import Leadlight

/// `leadlight keys create|list|revoke`: a workspace's API keys.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke a workspace's API keys.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// `--agent-id`, naming the workspace.
    struct WorkspaceOption: ParsableArguments {
        @Option(name: .customLong("agent-id"), help: "The workspace's agentId.") var agentID: String

        func find(in database: LeadlightDatabase) async throws -> Workspace {
            guard let agentID = AgentID(rawValue: self.agentID),
                let workspace = try await WorkspaceStore(database: database.sql).find(agentID: agentID)
            else { throw UnknownAgentID(agentID: self.agentID) }
            return workspace
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a new API key; it is printed once.")

        @OptionGroup var workspace: WorkspaceOption
        @Option(help: "A name to tell the key apart, like \"Nightly sync\".") var name: String = "API key"
        @Flag(help: "Print one JSON object.") var json = false
        @OptionGroup var database: DatabaseOptions

        struct Output: Encodable {
            var id: String
            var name: String
            var prefix: String
            var agentId: String
            var apiKey: String
        }

        func run() async throws {
            let configuration = try self.database.configuration()
            let logger = CommandLineSupport.makeLogger(configuration)
            let (workspace, key, secret) = try await CommandLineSupport.withDatabase(configuration, logger: logger) {
                database in
                let workspace = try await self.workspace.find(in: database)
                let (key, secret) = try await APIKeyOperations(database: database, clock: configuration.clock).create(
                    named: self.name, in: workspace.id)
                return (workspace, key, secret)
            }
            if self.json {
                try CommandLineSupport.printJSON(
                    Output(
                        id: key.id.rawValue, name: key.name, prefix: key.prefix, agentId: workspace.agentID.rawValue,
                        apiKey: secret.value
                    )
                )
            } else {
                CommandLineSupport.printLine("Created API key \(key.id) (\(key.name)) for \(workspace.agentID):")
                CommandLineSupport.printLine(secret.value)
                CommandLineSupport.printLine("It is shown only this once.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's keys (never their secrets).")

        @OptionGroup var workspace: WorkspaceOption
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = try self.database.configuration()
            let logger = CommandLineSupport.makeLogger(configuration)
            let keys = try await CommandLineSupport.withDatabase(configuration, logger: logger) { database in
                try await APIKeyStore(database: database.sql).list(in: try await self.workspace.find(in: database).id)
            }
            let now = configuration.clock.now
            let bodies = keys.map { APIKeysAPI.KeyBody($0, at: now) }
            if self.json {
                try CommandLineSupport.printJSON(APIKeysAPI.KeyList(apiKeys: bodies, total: bodies.count))
            } else {
                CommandLineSupport.printLine("ID\tPREFIX\tSTATUS\tNAME\tLAST USED")
                for key in bodies {
                    let lastUsed = key.lastUsedAt.map { "\($0)" } ?? "never"
                    CommandLineSupport.printLine("\(key.id)\t\(key.prefix)…\t\(key.status)\t\(key.name)\t\(lastUsed)")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key at once; requests with it get 401.")

        @OptionGroup var workspace: WorkspaceOption
        @Argument(help: "The key's id, as `keys list` shows it.") var keyID: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        /// A key id that the workspace does not have.
        struct UnknownKey: Error, CustomStringConvertible {
            var id: String
            var description: String { "the workspace has no API key with the id \(self.id)" }
        }

        func run() async throws {
            let configuration = try self.database.configuration()
            let logger = CommandLineSupport.makeLogger(configuration)
            let keyID = self.keyID
            let revoked = try await CommandLineSupport.withDatabase(configuration, logger: logger) { database in
                let workspace = try await self.workspace.find(in: database).id
                do {
                    return try await APIKeyOperations(database: database, clock: configuration.clock).revoke(
                        APIKey.ID(rawValue: keyID), in: workspace)
                } catch is NotFound {
                    throw UnknownKey(id: keyID)
                }
            }
            if self.json {
                try CommandLineSupport.printJSON(APIKeysAPI.KeyBody(revoked, at: configuration.clock.now))
            } else {
                CommandLineSupport.printLine("Revoked API key \(revoked.id) (\(revoked.prefix)…).")
            }
        }
    }
}
