import Foundation

/// One import into a workspace, as its page lists it: what was brought in, by whom and how, and what became of it.
/// Recorded when it starts and brought up to date after every chunk, so an import cut short says how far it got.
package struct ImportRecord: Sendable, Equatable, IdentifiedResource {
    package typealias ID = Identifier<ImportRecord>
    static let idPrefix = "imp"

    /// Where an import came in.
    package enum Origin: String, Sendable, Codable {
        case api, dashboard, cli, hubspot
    }

    package enum Status: String, Sendable, Codable {
        case running
        /// Every line was read and handled (some may have failed).
        case completed
        /// It stopped part way (the upload was cut off, the database failed); `message` says why, and the
        /// lines written before stay written.
        case interrupted
        /// Nothing could be imported (no usable header row, say); `message` says why.
        case refused
    }

    package var id: ID
    package var workspaceID: Workspace.ID
    package var kind: ImportKind
    package var origin: Origin
    /// The API key's name, the signed-in owner's email, or the command line.
    package var startedBy: String
    package var fileName: String?
    /// Only checked: nothing was written.
    package var dryRun: Bool
    package var status: Status
    package var message: String?
    /// The file's header row.
    package var headers: [String]
    /// The field each column filled, nil for a column left out (`ImportColumns.fields`).
    package var fields: [String?] = []
    /// The delimiter the file was read with, once known.
    package var delimiter: String?
    /// The dashboard's upload the file came from, while it is kept.
    package var uploadID: ImportUpload.ID?
    package var startedAt: Date
    package var finishedAt: Date?
    package var bytesRead: Int
    /// The last line read (the header is line 1).
    package var linesRead: Int
    /// The lines whose chunks committed: every row on them was created, updated, found unchanged or failed.
    package var writtenLines: [ClosedRange<Int>]
    package var summary: ImportSummary

    /// Adds the lines a chunk wrote, joined to the range before when they follow it.
    mutating func noteWritten(_ lines: ClosedRange<Int>) {
        if let previous = self.writtenLines.last, previous.upperBound + 1 >= lines.lowerBound {
            self.writtenLines[self.writtenLines.count - 1] =
                previous.lowerBound...max(previous.upperBound, lines.upperBound)
        } else {
            self.writtenLines.append(lines)
        }
    }
}

/// The counts of an import, the bulk upsert's `summary`.
package struct ImportSummary: Sendable, Equatable, Codable {
    package var total = 0
    package var created = 0
    package var updated = 0
    package var unchanged = 0
    package var failed = 0

    package init() {}
}

/// A line of the file that was not imported: its cells as read and why.
package struct ImportFailure: Sendable, Equatable {
    package var line: Int
    package var cells: [String]
    package var errors: [FieldError]
}
