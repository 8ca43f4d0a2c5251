import Foundation
import SQLiteNIO

/// `leadlight backup`: a consistent copy of a SQLite database while the server goes on writing to it.
///
/// SQLite's `VACUUM INTO` reads the database in one read transaction, so the copy holds exactly the changes
/// committed when it began, whatever is written meanwhile (the write-ahead log lets writers go on). The copy is
/// written beside the destination under another name, checked (`PRAGMA integrity_check`), and only then given
/// the destination's name, which must not exist: a backup never overwrites a file, and a failed one leaves
/// nothing behind.
package enum SQLiteBackup {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// What was copied.
    package struct Copy: Sendable {
        package var bytes: Int
    }

    /// Copies the database at `source` to a new file at `destination`.
    package static func copy(from source: String, to destination: String) throws -> Copy {
        let files = FileManager.default
        guard files.fileExists(atPath: source) else {
            throw Failure(description: "There is no database at \(source).")
        }
        guard !files.fileExists(atPath: destination) else {
            throw Failure(description: "\(destination) exists already: a backup never overwrites a file.")
        }
        let partial = destination + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        try? files.removeItem(atPath: partial)
        defer { try? files.removeItem(atPath: partial) }
        do {
            let database = try SQLiteDirectConnection.open(path: source, readOnly: true)
            defer { database.close() }
            // a writer's checkpoint can hold the log's index for a moment
            try database.run("PRAGMA busy_timeout = 10000", []) { _ in }
            try database.run("VACUUM INTO ?", [.text(partial)]) { _ in }
            let copy = try SQLiteDirectConnection.open(path: partial, readOnly: true)
            defer { copy.close() }
            var verdicts: [String] = []
            try copy.run("PRAGMA integrity_check", []) { row in
                verdicts.append((try? row.decode(column: "integrity_check", as: String.self)) ?? "unreadable")
            }
            guard verdicts == ["ok"] else {
                throw Failure(description: "The copy failed its check: \(verdicts.prefix(3).joined(separator: "; ")).")
            }
        } catch let error as SQLiteDirectError {
            throw Failure(description: "Cannot back up \(source): \(error.message).")
        }
        // link, not rename: a file that appeared at the destination meanwhile is never replaced
        guard link(partial, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            throw Failure(description: "Cannot write \(destination): \(reason).")
        }
        let bytes = ((try? files.attributesOfItem(atPath: destination))?[.size] as? Int) ?? 0
        return Copy(bytes: bytes)
    }
}
