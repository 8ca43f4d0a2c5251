import ArgumentParser
import Foundation
import Leadlight

/// `leadlight workspace create|list|export|import`.
struct WorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace",
        abstract: "Create, list, export and import workspaces.",
        subcommands: [Create.self, List.self, Export.self, Import.self]
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

    /// Exit 0 when the whole workspace is written, 1 when it could not be (no file is left), 64 for a usage error.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write everything of one workspace as JSON lines, to load into another database with import.")

        @Option(name: .customLong("agent-id"), help: "The workspace's agent id.") var agentID: String
        @Option(name: .customLong("to"), help: "The file to write (it must not exist); standard output by default.")
        var destination: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let agentID = AgentID(rawValue: self.agentID) else {
                throw ValidationError("--agent-id \(self.agentID) is not an agent id")
            }
            if let destination = self.destination, FileManager.default.fileExists(atPath: destination) {
                throw ValidationError("\(destination) exists; an export never overwrites a file")
            }
            let configuration = try self.database.configuration()
            let logger = CommandLineSupport.makeLogger(configuration)
            // into a file of its own first, which takes the name once it is whole
            let partial = self.destination.map { "\($0).partial-\(UUID().uuidString)" }
            if let partial { _ = FileManager.default.createFile(atPath: partial, contents: nil) }
            let output = partial.flatMap { FileHandle(forWritingAtPath: $0) } ?? FileHandle.standardOutput
            do {
                let records = try await CommandLineSupport.withDatabase(configuration, logger: logger) { database in
                    try await WorkspaceExport(database: database, clock: configuration.clock).export(
                        agentID: agentID
                    ) { bytes in try output.write(contentsOf: bytes) }
                }
                if let partial, let destination = self.destination {
                    try output.close()
                    try FileManager.default.linkItem(atPath: partial, toPath: destination)
                    try FileManager.default.removeItem(atPath: partial)
                    CommandLineSupport.printError("Exported \(agentID): \(records) records to \(destination).")
                }
            } catch {
                if let partial { try? FileManager.default.removeItem(atPath: partial) }
                CommandLineSupport.printError("Export failed: \(error)")
                throw ExitCode(1)
            }
        }
    }

    /// Exit 0 when the whole workspace is loaded, 1 when it is refused (and nothing is written), 64 for a usage
    /// error.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a workspace export into this database, all of it or nothing.")

        @Argument(help: "The file an export wrote.") var file: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = try self.database.configuration()
            let logger = CommandLineSupport.makeLogger(configuration)
            do {
                let imported = try await CommandLineSupport.withDatabase(configuration, logger: logger) { database in
                    try await WorkspaceImport(database: database).load(from: self.file)
                }
                CommandLineSupport.printLine(
                    "Imported \(imported.agentID) (id \(imported.workspaceID)): \(imported.records) records.")
            } catch let refused as WorkspaceImport.Refused {
                CommandLineSupport.printError("Nothing was imported: \(refused)")
                throw ExitCode(1)
            }
        }
    }
}
