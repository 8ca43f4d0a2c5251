import ArgumentParser
import Foundation
import Leadlight

#if canImport(Glibc)
import Glibc
#endif

/// `leadlight products import --from hubspot --agent-id SLUG`: the products of a HubSpot account pulled into the
/// workspace (`HubSpotImportOperations`), with the token in `LEADLIGHT_HUBSPOT_TOKEN` (or `--hubspot-token`) and
/// the API at `LEADLIGHT_HUBSPOT_BASE_URL` (HubSpot's own by default). Progress, summary and exit codes as for a
/// file; a refused token or HubSpot's daily limit exits 1 with HubSpot's words.
struct HubSpotPullCommand {
    let options: ImportOptions
    let token: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let token = (self.token ?? environment["LEADLIGHT_HUBSPOT_TOKEN"] ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw ValidationError("set LEADLIGHT_HUBSPOT_TOKEN (or --hubspot-token) to the private app's token")
        }
        guard self.options.delimiter == nil else { throw ValidationError("--delimiter is for files") }
        let configuration = try self.options.database.configuration()
        let logger = CommandLineSupport.makeLogger(configuration)
        let client = HubSpotClient(baseURL: configuration.hubspot.baseURL, token: token, logger: logger)
        let progress = ImportProgress(totalBytes: nil, onTerminal: isatty(STDERR_FILENO) == 1)
        let report: HubSpotImportOperations.Report
        do {
            report = try await CommandLineSupport.withDatabase(configuration, logger: logger) { database in
                let workspace = try await self.options.workspace.find(in: database)
                return try await HubSpotImportOperations(database: database, clock: configuration.clock).pull(
                    from: client, in: workspace, startedBy: "command line (\(ProcessInfo.processInfo.userName))",
                    dryRun: self.options.dryRun, progress: { progress.show($0) })
            }
        } catch let error as HubSpotError {
            progress.end()
            CommandLineSupport.printError("Error: the pull from HubSpot stopped: \(error)")
            throw ExitCode(1)
        }
        progress.end()
        if self.options.json {
            try CommandLineSupport.printJSON(ImportsAPI.PullResult(report))
        } else {
            var lines = [
                ImportOptions.summary(
                    of: CSVImportOperations.Report(
                        record: report.record, columns: nil, failures: report.failures,
                        failuresLeftOut: report.failuresLeftOut),
                    kind: .offerings)
            ]
            for note in report.notes.prefix(20) {
                lines.append("  note, product \(note.cells.first ?? ""): \(note.errors.map(\.message).joined())")
            }
            CommandLineSupport.printLine(lines.joined(separator: "\n"))
        }
        if report.record.summary.failed > 0 { throw ExitCode(1) }
    }
}
