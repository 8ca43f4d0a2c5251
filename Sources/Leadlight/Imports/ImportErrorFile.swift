import Foundation
import Hummingbird
import NIOCore

/// The error file of an import, as CSV: the file's own columns as read, then the line and the reasons, one row per
/// failed line. Fields are quoted as RFC 4180 says, and a field a spreadsheet would run as a formula (`=`, `+`,
/// `-`, `@` first) is prefixed with `'`.
enum ImportErrorFile {
    static func header(_ headers: [String]) -> String {
        Self.row(headers + ["line", "errors"])
    }

    /// A failure's cells (padded or cut to the header's count, so the columns line up), its line and reasons.
    static func line(_ failure: ImportFailure, columns: Int) -> String {
        var cells = Array(failure.cells.prefix(columns))
        cells += Array(repeating: "", count: max(0, columns - cells.count))
        let reasons = failure.errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        return Self.row(cells + [String(failure.line), reasons])
    }

    static func row(_ fields: [String]) -> String {
        fields.map(Self.field).joined(separator: ",") + "\r\n"
    }

    static func field(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@".unicodeScalars.contains(first), Double(text) == nil {
            text = "'" + text
        }
        guard text.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A file name safe in a `Content-Disposition` header: printable ASCII without quotes or backslashes.
    static func safeFileName(_ name: String) -> String {
        String(
            name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" }
        )
    }

    /// The error file of `record` as an answer, streamed from the database a thousand lines at a time: the file's
    /// own columns, then `line` and `errors` (each reason as `field: message`, joined by `; `), so the file can
    /// be fixed and imported again.
    static func response(for record: ImportRecord, database: LeadlightDatabase) -> Response {
        let store = ImportStore(database: database.sql)
        let body = ResponseBody { writer in
            var buffer = ByteBuffer(string: Self.header(record.headers))
            var after = 0
            while true {
                let failures = try await store.failures(
                    of: record.id, in: record.workspaceID, after: after, limit: 1000)
                for failure in failures { buffer.writeString(Self.line(failure, columns: record.headers.count)) }
                try await writer.write(buffer)
                buffer.clear()
                guard let last = failures.last, failures.count == 1000 else { break }
                after = last.line
            }
            try await writer.finish(nil)
        }
        let name =
            (record.fileName.map { ($0 as NSString).deletingPathExtension } ?? record.id.rawValue) + "-errors.csv"
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(Self.safeFileName(name))\"",
            ],
            body: body)
    }
}
