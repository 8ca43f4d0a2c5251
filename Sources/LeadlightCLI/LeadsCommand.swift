import ArgumentParser
import Foundation
import Leadlight

/// `leadlight leads …`: leads brought in from outside.
struct LeadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leads",
        abstract: "Bring leads in from outside.",
        subcommands: [Import.self, ImportEmail.self]
    )

    /// `leadlight leads import FILE.csv --agent-id SLUG`: `POST /api/v1/leads/import`, from the command line.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a lead list from a CSV file, as POST /api/v1/leads/import does.",
            discussion: ImportCommandHelp.contacts("lead"))

        @OptionGroup var options: ImportOptions

        func run() async throws { try await self.options.run(.leads) }
    }

    /// `leadlight leads import-email FILE.eml --agent-id SLUG`: the email import of `POST /inbound/email/{token}`,
    /// for a saved message. Exit 0 when a lead was made (or the email was imported before), 1 when the email
    /// holds no lead or cannot be read, 64 (EX_USAGE, as for every command) for a usage error.
    struct ImportEmail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-email",
            abstract: "Make a lead of a saved email (an .eml file, RFC 5322), as the inbound address would.")

        @Argument(help: "The email: an .eml file, or - for standard input.") var file: String
        @OptionGroup var workspace: KeysCommand.WorkspaceOption
        @Flag(help: "Print JSON, as the inbound address answers.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let bytes: [UInt8]
            do {
                bytes =
                    self.file == "-"
                    ? Array(FileHandle.standardInput.readDataToEndOfFile())
                    : Array(try Data(contentsOf: URL(fileURLWithPath: self.file)))
            } catch {
                throw ValidationError("cannot read \(self.file): \(error.localizedDescription)")
            }
            guard bytes.count <= EmailImportOperations.maxEmailBytes else {
                throw ValidationError("\(self.file) is larger than \(EmailImportOperations.maxEmailBytes) bytes")
            }
            let email: InboundEmail
            do {
                email = try InboundEmail(body: bytes, format: .rfc822)
            } catch InboundEmailRejected.malformed(let reason) {
                CommandLineSupport.printError("\(self.file) is not an email that can be read: \(reason).")
                throw ExitCode(1)
            }
            let configuration = try self.database.configuration()
            let logger = CommandLineSupport.makeLogger(configuration)
            let outcome = try await CommandLineSupport.withDatabase(configuration, logger: logger) { database in
                let workspace = try await self.workspace.find(in: database).id
                return try await EmailImportOperations(database: database, clock: configuration.clock)
                    .receive(email, in: workspace)
            }
            let answer = EmailImportOperations.Answer(outcome)
            if self.json {
                try CommandLineSupport.printJSON(answer)
            } else {
                switch answer.outcome {
                case "created":
                    CommandLineSupport.printLine(
                        "Lead \(answer.leadId ?? "") made (source \(answer.source ?? "email")).")
                case "duplicate":
                    CommandLineSupport.printLine(
                        "Imported before: lead \(answer.leadId ?? "none"); nothing new stored.")
                default: CommandLineSupport.printLine("Skipped: \(answer.reason ?? "no lead in it").")
                }
            }
            if answer.outcome == "skipped" { throw ExitCode(1) }
        }
    }
}
