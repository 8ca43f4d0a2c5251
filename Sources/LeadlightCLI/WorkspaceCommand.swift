import ArgumentParser
import Foundation
import Leadlight

/// `leadlight workspace create|list`.
struct WorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace",
        abstract: "Create and list workspaces.",
        subcommands: [Create.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a workspace with its owner login and a first API key."
        )

        @Option(help: "The workspace's name.") var name: String
        @Option(name: .customLong("agent-id"), help: "Public slug, like sarah-johnson.") var agentID: String
        @Option(name: .customLong("owner-email"), help: "The owner's login email.") var ownerEmail: String
        @Option(name: .customLong("owner-password"), help: "At least 8 characters; generated and printed when omitted.")
        var ownerPassword: String?
        @Option(help: "ISO 4217 currency code (default USD).") var currency: String?
        @Option(name: .customLong("time-zone"), help: "IANA time zone (default UTC).") var timeZone: String?
        @Flag(help: "Print one JSON object.") var json = false
        @OptionGroup var database: DatabaseOptions

        /// The `--json` output; other tools read these keys.
        struct Output: Encodable {
            var workspaceId: String
            var agentId: String
            var name: String
            var ownerEmail: String
            var ownerPassword: String?
            var apiKeyId: String
            var apiKey: String
        }

        func run() async throws {
            let configuration = try self.database.configuration()
            let draft = try WorkspaceDraft(
                name: self.name, agentID: self.agentID, ownerEmail: self.ownerEmail, currency: self.currency,
                timeZone: self.timeZone
            )
            let logger = CommandLineSupport.makeLogger(configuration)
            let created = try await CommandLineSupport.withDatabase(configuration, logger: logger) { database in
                try await WorkspaceProvisioner(
                    database: database,
                    passwordHasher: PasswordHasher(cost: configuration.passwordHashCost),
                    clock: configuration.clock
                ).provision(draft, ownerPassword: self.ownerPassword)
            }
            if self.json {
                try CommandLineSupport.printJSON(
                    Output(
                        workspaceId: created.workspace.id.rawValue, agentId: created.workspace.agentID.rawValue,
                        name: created.workspace.name, ownerEmail: created.owner.email,
                        ownerPassword: created.generatedPassword, apiKeyId: created.key.id.rawValue,
                        apiKey: created.apiKey.value
                    )
                )
            } else {
                CommandLineSupport.printLine(
                    "Created workspace \(created.workspace.name) (agentId \(created.workspace.agentID), id \(created.workspace.id))"
                )
                CommandLineSupport.printLine("Owner login: \(created.owner.email)")
                if let password = created.generatedPassword {
                    CommandLineSupport.printLine("Owner password: \(password)  (shown once)")
                }
                CommandLineSupport.printLine("API key: \(created.apiKey.value)  (shown once)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every workspace on this server.")

        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        struct Output: Encodable {
            var workspaces: [WorkspacesAPI.WorkspaceBody]
        }

        func run() async throws {
            let configuration = try self.database.configuration()
            let logger = CommandLineSupport.makeLogger(configuration)
            let workspaces = try await CommandLineSupport.withDatabase(configuration, logger: logger) { database in
                try await WorkspaceStore(database: database.sql).list()
            }
            if self.json {
                try CommandLineSupport.printJSON(Output(workspaces: workspaces.map(WorkspacesAPI.WorkspaceBody.init)))
            } else {
                for workspace in workspaces {
                    CommandLineSupport.printLine("\(workspace.agentID)\t\(workspace.id)\t\(workspace.name)")
                }
            }
        }
    }
}
