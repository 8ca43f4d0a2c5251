import ArgumentParser
import Foundation
import Leadlight
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `leadlight products import`, `leads import` and `clients import`: a CSV file brought in exactly as
/// `POST /api/v1/{products,leads,clients}/import` brings it (the same import operation, recorded the same way),
/// straight into the database. Progress on standard error (a bar on a terminal, plain lines otherwise), then a
/// summary, or with `--json` the API's answer. Exit 0 when no row failed, 1 when some did or the file could not be
/// imported, 64 for a usage error (as every command).
struct ImportOptions: ParsableArguments {
    @Argument(help: "The CSV file, or - for standard input.") var file: String?
    @OptionGroup var workspace: KeysCommand.WorkspaceOption
    @Flag(name: .customLong("dry-run"), help: "Check every row and report what would happen; write nothing.")
    var dryRun = false
    @Option(help: "comma, semicolon or tab (found from the header row when left out).") var delimiter: String?
    @Flag(help: "Print the JSON the API answers.") var json = false
    @OptionGroup var database: DatabaseOptions

    func run(_ kind: ImportKind) async throws {
        guard let file = self.file else {
            throw ValidationError("name the CSV file to import (or - for standard input)")
        }
        let delimiter = try self.delimiter.map { name in
            guard let delimiter = CSVParser.delimiter(named: name) else {
                throw ValidationError("--delimiter must be comma, semicolon or tab")
            }
            return delimiter
        }
        let input: FileHandle
        let size: Int?
        if file == "-" {
            (input, size) = (FileHandle.standardInput, nil)
        } else {
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw ValidationError("cannot read \(file): no such file, or not readable")
            }
            input = handle
            size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? nil
        }
        var request = CSVImportOperations.Request(
            kind: kind, origin: .cli, startedBy: "command line (\(ProcessInfo.processInfo.userName))",
            fileName: file == "-" ? nil : URL(fileURLWithPath: file).lastPathComponent)
        request.dryRun = self.dryRun
        request.delimiter = delimiter

        let configuration = try self.database.configuration()
        let logger = CommandLineSupport.makeLogger(configuration)
        let progress = ImportProgress(totalBytes: size, onTerminal: isatty(STDERR_FILENO) == 1)
        let outcome: Result<CSVImportOperations.Report, CSVImportOperations.Refused>
        do {
            outcome = .success(
                try await CommandLineSupport.withDatabase(configuration, logger: logger) { database in
                    let workspace = try await self.workspace.find(in: database)
                    return try await CSVImportOperations(database: database, clock: configuration.clock).run(
                        FileChunks(handle: input), request, in: workspace, progress: { progress.show($0) })
                })
        } catch let refused as CSVImportOperations.Refused {
            outcome = .failure(refused)
        }
        progress.end()
        switch outcome {
        case .failure(let refused):
            CommandLineSupport.printError("Error: \(file) was not imported: \(refused.description)")
            throw ExitCode(1)
        case .success(let report):
            if self.json {
                try CommandLineSupport.printJSON(ImportsAPI.ImportResult(report))
            } else {
                CommandLineSupport.printLine(Self.summary(of: report, kind: kind))
            }
            if report.record.summary.failed > 0 { throw ExitCode(1) }
        }
    }

    /// What a person reads at the end: the counts, then each failed line (the first 20).
    static func summary(of report: CSVImportOperations.Report, kind: ImportKind) -> String {
        let record = report.record
        let counts = record.summary
        var lines = [
            (record.dryRun ? "Checked (a dry run: nothing was written) " : "Imported ")
                + "\(counts.total) \(counts.total == 1 ? "row" : "rows") of \(kind.rawValue): \(counts.created) created, "
                + "\(counts.updated) updated, \(counts.unchanged) unchanged, \(counts.failed) failed."
        ]
        if let columns = report.columns, !columns.ignored.isEmpty {
            lines.append("Columns left out (no field has their name): \(columns.ignored.joined(separator: ", ")).")
        }
        let shown = report.failures.prefix(20)
        for failure in shown {
            let reasons = failure.errors.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
            lines.append("  line \(failure.line): \(reasons)")
        }
        let more = counts.failed - shown.count
        if more > 0 {
            lines.append("  … and \(more) more: the error file is GET /api/v1/imports/\(record.id.rawValue)/errors.csv")
        }
        lines.append("Recorded as import \(record.id.rawValue).")
        return lines.joined(separator: "\n")
    }
}

/// A file read 256 KiB at a time.
struct FileChunks: AsyncSequence {
    typealias Element = ByteBuffer
    let handle: FileHandle

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle

        mutating func next() async throws -> ByteBuffer? {
            guard let data = try self.handle.read(upToCount: 256 * 1024), !data.isEmpty else { return nil }
            return ByteBuffer(data: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: self.handle) }
}

/// Progress on standard error: a bar redrawn in place on a terminal, otherwise a plain line after the first chunk
/// and then every two seconds.
final class ImportProgress: Sendable {
    let totalBytes: Int?
    let onTerminal: Bool
    private let lastShown = Mutex<ContinuousClock.Instant?>(nil)

    init(totalBytes: Int?, onTerminal: Bool) {
        self.totalBytes = totalBytes
        self.onTerminal = onTerminal
    }

    func show(_ record: ImportRecord) {
        let now = ContinuousClock.now
        let due = self.lastShown.withLock { last in
            guard last.map({ now - $0 >= (self.onTerminal ? .milliseconds(100) : .seconds(2)) }) ?? true else {
                return false
            }
            last = now
            return true
        }
        guard due else { return }
        let rows = "\(record.summary.total) rows, \(record.summary.failed) failed"
        guard let total = self.totalBytes, total > 0 else {
            FileHandle.standardError.write(
                Data("\(self.onTerminal ? "\r" : "")\(rows)\(self.onTerminal ? "" : "\n")".utf8))
            return
        }
        let share = min(1, Double(record.bytesRead) / Double(total))
        let percent = Int(share * 100)
        if self.onTerminal {
            let filled = Int(share * 30)
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 30 - filled)
            FileHandle.standardError.write(Data("\r\(bar) \(percent)%  \(rows)".utf8))
        } else {
            FileHandle.standardError.write(Data("\(percent)% read: \(rows)\n".utf8))
        }
    }

    /// Ends the bar's line.
    func end() {
        if self.onTerminal && self.lastShown.withLock({ $0 }) != nil { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
