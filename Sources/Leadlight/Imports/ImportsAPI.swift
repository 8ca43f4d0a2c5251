import Foundation
import Hummingbird

/// Bodies for the imports: `POST /api/v1/products/import` and `/api/v1/imports`. JSON keys are a contract with
/// people's scripts; never rename one.
package enum ImportsAPI {
    /// What an import answers: the bulk upsert's `summary`, and each failed line with its reasons.
    package struct ImportResult: ResponseCodable {
        /// Every line imported (or, in a dry run, would be) and none failed.
        package var success: Bool
        package var dryRun: Bool
        package var summary: ImportSummary
        package var `import`: ImportBody
        /// How the header row's columns were matched to fields; `field` null for a column left out.
        package var columns: [Column]
        /// The failed lines, in file order (at most 1,000; `failuresLeftOut` more are in the error file).
        package var failures: [Failure]
        package var failuresLeftOut: Int

        package init(_ report: CSVImportOperations.Report) {
            self.success = report.record.status == .completed && report.record.summary.failed == 0
            self.dryRun = report.record.dryRun
            self.summary = report.record.summary
            self.import = ImportBody(report.record)
            self.columns = zip(report.columns?.headers ?? [], report.columns?.fields ?? []).map(Column.init)
            self.failures = report.failures.map { Failure(line: $0.line, errors: $0.errors) }
            self.failuresLeftOut = report.failuresLeftOut
        }
    }

    /// What a pull from HubSpot answers: as an import's, with each product's note (an `hs_sku` left out).
    package struct PullResult: ResponseCodable {
        package var success: Bool
        package var dryRun: Bool
        package var summary: ImportSummary
        package var `import`: ImportBody
        /// The products that failed, by their place in the pull (`line`) and reasons; the error file has their
        /// HubSpot ids.
        package var failures: [Failure]
        package var failuresLeftOut: Int
        package var notes: [Failure]

        package init(_ report: HubSpotImportOperations.Report) {
            self.success = report.record.status == .completed && report.record.summary.failed == 0
            self.dryRun = report.record.dryRun
            self.summary = report.record.summary
            self.import = ImportBody(report.record)
            self.failures = report.failures.map { Failure(line: $0.line, errors: $0.errors) }
            self.failuresLeftOut = report.failuresLeftOut
            self.notes = report.notes.map { Failure(line: $0.line, errors: $0.errors) }
        }
    }

    package struct Column: Codable, Sendable {
        package var header: String
        package var field: String?
    }

    package struct Failure: Codable, Sendable {
        /// The file's line the row starts on; the header row is line 1.
        package var line: Int
        package var errors: [FieldError]
    }

    /// One import as recorded.
    package struct ImportBody: ResponseCodable {
        package var id: ImportRecord.ID
        package var kind: ImportKind
        package var origin: ImportRecord.Origin
        package var startedBy: String
        package var fileName: String?
        package var dryRun: Bool
        package var status: ImportRecord.Status
        package var message: String?
        package var startedAt: Date
        package var finishedAt: Date?
        package var bytesRead: Int
        package var linesRead: Int
        /// The lines whose rows were written (created, updated, found unchanged or failed), as ranges.
        package var writtenLines: [LineRange]
        package var summary: ImportSummary
        /// Where the failed lines are, as CSV: the file's columns, then `line` and `errors`.
        package var errorFile: String

        package init(_ record: ImportRecord) {
            self.id = record.id
            self.kind = record.kind
            self.origin = record.origin
            self.startedBy = record.startedBy
            self.fileName = record.fileName
            self.dryRun = record.dryRun
            self.status = record.status
            self.message = record.message
            self.startedAt = record.startedAt
            self.finishedAt = record.finishedAt
            self.bytesRead = record.bytesRead
            self.linesRead = record.linesRead
            self.writtenLines = record.writtenLines.map { LineRange(from: $0.lowerBound, to: $0.upperBound) }
            self.summary = record.summary
            self.errorFile = "/api/v1/imports/\(record.id.rawValue)/errors.csv"
        }
    }

    package struct LineRange: Codable, Sendable, Equatable {
        package var from: Int
        package var to: Int
    }

    package struct ImportList: ResponseCodable {
        package var imports: [ImportBody]
    }
}
