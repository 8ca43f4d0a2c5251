import ArgumentParser
import Leadlight

/// `leadlight backup --to FILE`: a consistent copy of the SQLite database, taken while the server runs.
/// PostgreSQL is backed up with its own `pg_dump` (docs/DEPLOY.md). Exit 0 when the copy is written and checked,
/// 1 when it could not be, 64 for a usage error.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the SQLite database to a new file while the server goes on (PostgreSQL: use pg_dump).")

    @Option(name: .customLong("to"), help: "The file to write; it must not exist.") var destination: String
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        guard case .sqlite(let path) = try self.database.configuration().database else {
            throw ValidationError(
                "leadlight backup copies a SQLite database; back up PostgreSQL with pg_dump (docs/DEPLOY.md).")
        }
        do {
            let copy = try SQLiteBackup.copy(from: path, to: self.destination)
            CommandLineSupport.printLine("Backed up \(path) to \(self.destination) (\(copy.bytes) bytes, checked).")
        } catch let failure as SQLiteBackup.Failure {
            CommandLineSupport.printError(failure.description)
            throw ExitCode(1)
        }
    }
}
