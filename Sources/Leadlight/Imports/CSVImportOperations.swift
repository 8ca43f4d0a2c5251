import Foundation
import NIOCore

/// A CSV file brought into a workspace, the same for every door (the API, the dashboard, the command line). The file
/// is read as it arrives and never held whole: its rows are checked and written in chunks of up to 1,000, each in its
/// own transaction through the very upsert behind `POST /api/v1/products`, so re-importing a file changes nothing
/// and a chunk that fails takes no other with it. The import is recorded when it starts and after every chunk: one
/// cut short (the upload stopped, the database failed) says which lines were written and how far it read.
package struct CSVImportOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock
    /// Counts each import as it ends, when the server keeps metrics.
    let metrics: ServerMetrics?

    package init(database: LeadlightDatabase, clock: WallClock, metrics: ServerMetrics? = nil) {
        self.database = database
        self.clock = clock
        self.metrics = metrics
    }

    /// Rows written in one transaction.
    package static let chunkRows = 1000
    /// A chunk is written early once its rows hold this many bytes, so a file of long rows stays small in memory.
    static let chunkBytes = 4 << 20
    /// The most failed lines an answer lists; the import's error file holds every one.
    package static let reportedFailures = 1000

    /// What to import and how.
    package struct Request: Sendable {
        package var kind: ImportKind
        package var origin: ImportRecord.Origin
        /// The API key's name, the owner's email, or the command line.
        package var startedBy: String
        package var fileName: String?
        /// Only check every row: nothing is written.
        package var dryRun = false
        /// `,` `;` or tab; nil finds it from the header row.
        package var delimiter: UInt8?
        /// Column index → field (or "" to leave the column out), over the match by name (`ImportColumns`).
        package var chosenColumns: [Int: String] = [:]
        /// The dashboard's upload the file is read from.
        package var uploadID: ImportUpload.ID?

        package init(kind: ImportKind, origin: ImportRecord.Origin, startedBy: String, fileName: String? = nil) {
            self.kind = kind
            self.origin = origin
            self.startedBy = startedBy
            self.fileName = fileName
        }
    }

    /// What became of an import: its record (counts, lines written), how its columns were matched, and its failed
    /// lines (the first `reportedFailures`; `failuresLeftOut` more are in the error file).
    package struct Report: Sendable {
        package var record: ImportRecord
        package var columns: ImportColumns?
        package var failures: [ImportFailure] = []
        package var failuresLeftOut = 0

        package init(
            record: ImportRecord, columns: ImportColumns?, failures: [ImportFailure] = [], failuresLeftOut: Int = 0
        ) {
            self.record = record
            self.columns = columns
            self.failures = failures
            self.failuresLeftOut = failuresLeftOut
        }
    }

    /// Nothing could be imported: the file is empty, or its header row names no field. Recorded as refused.
    package struct Refused: Error, Sendable, CustomStringConvertible {
        package var record: ImportRecord
        package var description: String { self.record.message ?? "the file could not be imported" }
    }

    /// Imports the file `body` yields, calling `progress` after each chunk. Throws `Refused` for a file with no
    /// usable header row, and whatever stopped it part way (the body's error, the database's) once the import's
    /// record says so.
    package func run<Body: AsyncSequence>(
        _ body: Body, _ request: Request, in workspace: Workspace,
        progress: @Sendable (ImportRecord) -> Void = { _ in }
    ) async throws -> Report where Body.Element == ByteBuffer {
        var run = CSVImportRun(request: request, workspace: workspace, operations: self)
        try await ImportStore(database: self.database.sql).insert(run.report.record)
        var records: [CSVParser.Record] = []
        var chunks = body.makeAsyncIterator()
        while true {
            let chunk: ByteBuffer?
            do {
                chunk = try await chunks.next()
            } catch {
                await run.stop(because: error, cutOff: true)
                self.metrics?.importEnded(run.report.record)
                throw error
            }
            do {
                if let chunk {
                    run.report.record.bytesRead += chunk.readableBytes
                    run.parser.read(chunk.readableBytesView, into: &records)
                } else {
                    run.parser.finish(into: &records)
                }
                try await run.take(&records, progress: progress)
                if chunk == nil {
                    try await run.finish()
                    break
                }
            } catch {
                await run.stop(because: error, cutOff: false)
                self.metrics?.importEnded(run.report.record)
                throw error
            }
        }
        self.metrics?.importEnded(run.report.record)
        return run.report
    }
}

extension CSVImportOperations {
    /// The first `count` records of a file (the header row first) and the delimiter they were read with: what the
    /// dashboard shows to match columns to fields. Reads only as far as it needs.
    package static func firstRecords<Body: AsyncSequence>(
        of body: Body, delimiter: UInt8?, count: Int
    ) async throws -> (records: [CSVParser.Record], delimiter: UInt8?) where Body.Element == ByteBuffer {
        var parser = CSVParser(delimiter: delimiter)
        var records: [CSVParser.Record] = []
        var chunks = body.makeAsyncIterator()
        while records.count < count {
            guard let chunk = try await chunks.next() else {
                parser.finish(into: &records)
                break
            }
            parser.read(chunk.readableBytesView, into: &records)
        }
        return (Array(records.prefix(count)), parser.delimiter)
    }
}

/// One import under way: the parser's place in the file, the rows waiting for their chunk, the keys seen.
private struct CSVImportRun {
    let request: CSVImportOperations.Request
    let workspace: Workspace
    let operations: CSVImportOperations
    var parser: CSVParser
    var report: CSVImportOperations.Report
    private var pending: [CSVParser.Record] = []
    private var pendingBytes = 0
    /// Each key seen and the line it was first on: a later row with it fails, as a later row of a bulk upsert
    /// with a key seen earlier does (`KeyLines` keeps them in bounded memory).
    private let seenKeys = KeyLines()
    /// The line before the next chunk's first.
    private var linesHandled = 1

    init(request: CSVImportOperations.Request, workspace: Workspace, operations: CSVImportOperations) {
        self.request = request
        self.workspace = workspace
        self.operations = operations
        self.parser = CSVParser(delimiter: request.delimiter)
        self.report = CSVImportOperations.Report(
            record: ImportRecord(
                id: .generate(), workspaceID: workspace.id, kind: request.kind, origin: request.origin,
                startedBy: request.startedBy, fileName: request.fileName, dryRun: request.dryRun, status: .running,
                message: nil, headers: [], uploadID: request.uploadID, startedAt: operations.clock.now,
                finishedAt: nil, bytesRead: 0, linesRead: 0, writtenLines: [], summary: ImportSummary()),
            columns: nil)
    }

    /// Takes the records read so far: the first is the header row, the others wait for their chunk.
    mutating func take(_ records: inout [CSVParser.Record], progress: @Sendable (ImportRecord) -> Void) async throws {
        for record in records {
            self.report.record.linesRead = record.lastLine
            guard self.report.columns != nil else {
                try await self.readHeader(record)
                continue
            }
            self.pending.append(record)
            self.pendingBytes += record.fields.reduce(0) { $0 + $1.utf8.count }
            if self.pending.count >= CSVImportOperations.chunkRows
                || self.pendingBytes >= CSVImportOperations.chunkBytes
            {
                try await self.writeChunk()
                progress(self.report.record)
            }
        }
        records.removeAll(keepingCapacity: true)
    }

    /// Every line read: the last chunk written and the record completed. A file without a header row is refused.
    mutating func finish() async throws {
        guard self.report.columns != nil else { throw self.refusal("The file is empty: it has no header row.") }
        // blank lines at the end are read too
        self.report.record.linesRead = max(self.report.record.linesRead, self.parser.lastLine)
        try await self.writeChunk(through: self.report.record.linesRead)
        self.report.record.status = .completed
        self.report.record.finishedAt = self.operations.clock.now
        try await self.save(adding: [])
    }

    /// Records why the import stopped. `cutOff`: the file stopped coming, so the rows read whole are still written.
    mutating func stop(because error: any Error, cutOff: Bool) async {
        if let refused = error as? CSVImportOperations.Refused {
            self.report.record = refused.record
            try? await self.save(adding: [])
            return
        }
        var message: String
        if cutOff {
            message =
                "The file stopped arriving after \(self.report.record.bytesRead) bytes, on line "
                + "\(self.report.record.linesRead + 1) (\(error)); the rows read whole before it were imported."
            if self.report.columns != nil, (try? await self.writeChunk()) == nil {
                message += " Writing them failed too."
            }
        } else {
            message =
                "The import stopped: \(error). The lines listed as written stay written; import the file again "
                + "to bring in the rest (rows already in are found unchanged)."
        }
        self.report.record.status = .interrupted
        self.report.record.message = message
        self.report.record.finishedAt = self.operations.clock.now
        try? await self.save(adding: [])
    }

    private mutating func readHeader(_ record: CSVParser.Record) async throws {
        self.report.record.headers = record.fields
        if let problem = record.problem {
            throw self.refusal("The header row (line \(record.line)) cannot be read: \(problem).")
        }
        self.report.record.delimiter = self.parser.delimiter.map { String(UnicodeScalar($0)) }
        do {
            let columns = try ImportColumns(
                headers: record.fields, kind: self.request.kind, chosen: self.request.chosenColumns)
            self.report.columns = columns
            self.report.record.fields = columns.fields
        } catch let unusable as ImportColumns.Unusable {
            throw self.refusal("The header row (line \(record.line)) cannot be used: \(unusable).")
        }
        self.linesHandled = record.lastLine
        try await self.save(adding: [])
    }

    /// Checks and writes the rows waiting, in one transaction, and records the chunk.
    /// `through`: the last line the chunk covers, when lines past its last row were read (blank ones).
    private mutating func writeChunk(through lastLine: Int? = nil) async throws {
        guard let columns = self.report.columns, let last = self.pending.last else { return }
        let chunkEnd = max(last.lastLine, lastLine ?? 0)
        var failures: [ImportFailure] = []
        var rows: [ImportRowWriter.Cells] = []
        var lines: [CSVParser.Record] = []
        let writer = ImportRowWriter(
            kind: self.request.kind, database: self.operations.database, clock: self.operations.clock)
        var keyed: [(record: CSVParser.Record, cells: ImportRowWriter.Cells, key: (field: String, key: String)?)] = []
        for record in self.pending {
            if let errors = self.problems(of: record, columns: columns) {
                failures.append(ImportFailure(line: record.line, cells: record.fields, errors: errors))
                continue
            }
            let cells = columns.cells(record.fields)
            keyed.append((record, cells, writer.key(of: cells)))
        }
        // a key seen on an earlier line fails this one, as an earlier row's does in a bulk upsert
        let firstLines = try await self.seenKeys.firstLines(
            keyed.compactMap { row in row.key.map { ("\($0.field):\($0.key)", row.record.line) } })
        var nextFirstLine = firstLines.makeIterator()
        for row in keyed {
            if let (field, _) = row.key, let first = nextFirstLine.next() ?? nil {
                failures.append(
                    ImportFailure(
                        line: row.record.line, cells: row.record.fields,
                        errors: [FieldError(field: field, message: "appears earlier in this file, on line \(first)")]))
                continue
            }
            rows.append(row.cells)
            lines.append(row.record)
        }
        var summary = self.report.record.summary
        summary.total += self.pending.count
        if !rows.isEmpty {
            let outcomes = try await writer.write(rows, in: self.workspace, dryRun: self.request.dryRun)
            for (outcome, record) in zip(outcomes, lines) {
                switch outcome {
                case .created: summary.created += 1
                case .updated: summary.updated += 1
                case .unchanged: summary.unchanged += 1
                case .failed(let errors):
                    failures.append(ImportFailure(line: record.line, cells: record.fields, errors: errors))
                }
            }
        }
        failures.sort { $0.line < $1.line }
        summary.failed += failures.count
        self.report.record.summary = summary
        if !self.request.dryRun, chunkEnd > self.linesHandled {
            self.report.record.noteWritten((self.linesHandled + 1)...chunkEnd)
        }
        self.linesHandled = chunkEnd
        let room = max(0, CSVImportOperations.reportedFailures - self.report.failures.count)
        self.report.failures += failures.prefix(room)
        self.report.failuresLeftOut += max(0, failures.count - room)
        self.pending.removeAll(keepingCapacity: true)
        self.pendingBytes = 0
        try await self.save(adding: failures)
    }

    /// What keeps a record from being a row at all: what the parser found, or a count of fields unlike the header's.
    private func problems(of record: CSVParser.Record, columns: ImportColumns) -> [FieldError]? {
        if let problem = record.problem {
            var field = "row"
            if let column = problem.column, column <= columns.fields.count {
                field = columns.fields[column - 1] ?? "column \(column)"
            }
            return [FieldError(field: field, message: problem.description)]
        }
        guard record.fields.count == columns.headers.count else {
            return [
                FieldError(
                    field: "row",
                    message:
                        "has \(record.fields.count) \(record.fields.count == 1 ? "field" : "fields"); the header row has "
                        + "\(columns.headers.count)")
            ]
        }
        return nil
    }

    private func refusal(_ message: String) -> CSVImportOperations.Refused {
        var record = self.report.record
        record.status = .refused
        record.message = message
        record.finishedAt = self.operations.clock.now
        return CSVImportOperations.Refused(record: record)
    }

    private func save(adding failures: [ImportFailure]) async throws {
        let record = self.report.record
        try await self.operations.database.transaction { tx in
            try await ImportStore(database: tx).update(record, adding: failures)
        }
    }
}
