import Foundation
import SQLKit

/// Every query on `imports` and `import_failures`.
struct ImportStore: Sendable {
    let database: any SQLDatabase

    func insert(_ record: ImportRecord) async throws {
        try await self.database.insert(into: "imports")
            .columns(
                "id", "workspace_id", "kind", "origin", "started_by", "file_name", "dry_run", "status", "message",
                "headers", "fields", "delimiter", "upload_id", "started_at", "finished_at", "bytes_read", "lines_read",
                "written_lines", "total",
                "created", "updated", "unchanged", "failed"
            )
            .values(
                SQLBind(record.id.rawValue), SQLBind(record.workspaceID.rawValue), SQLBind(record.kind.rawValue),
                SQLBind(record.origin.rawValue), SQLBind(record.startedBy), SQLBind.orNull(record.fileName),
                SQLBind(record.dryRun), SQLBind(record.status.rawValue), SQLBind.orNull(record.message),
                SQLBind(Self.json(record.headers)), SQLBind(Self.json(record.fields)), SQLBind.orNull(record.delimiter),
                SQLBind.orNull(record.uploadID?.rawValue), SQLBind(record.startedAt.millisecondsSince1970),
                SQLBind.orNull(record.finishedAt?.millisecondsSince1970), SQLBind(Int64(record.bytesRead)),
                SQLBind(Int64(record.linesRead)),
                SQLBind(Self.json(record.writtenLines.map { [$0.lowerBound, $0.upperBound] })),
                SQLBind(Int64(record.summary.total)), SQLBind(Int64(record.summary.created)),
                SQLBind(Int64(record.summary.updated)), SQLBind(Int64(record.summary.unchanged)),
                SQLBind(Int64(record.summary.failed))
            )
            .run()
    }

    /// Brings the record's progress up to date and adds `failures` (lines recorded already are kept as they are).
    func update(_ record: ImportRecord, adding failures: [ImportFailure]) async throws {
        try await self.database.update("imports")
            .set("status", to: SQLBind(record.status.rawValue))
            .set("message", to: SQLBind.orNull(record.message))
            .set("headers", to: SQLBind(Self.json(record.headers)))
            .set("fields", to: SQLBind(Self.json(record.fields)))
            .set("delimiter", to: SQLBind.orNull(record.delimiter))
            .set("finished_at", to: SQLBind.orNull(record.finishedAt?.millisecondsSince1970))
            .set("bytes_read", to: SQLBind(Int64(record.bytesRead)))
            .set("lines_read", to: SQLBind(Int64(record.linesRead)))
            .set("written_lines", to: SQLBind(Self.json(record.writtenLines.map { [$0.lowerBound, $0.upperBound] })))
            .set("total", to: SQLBind(Int64(record.summary.total)))
            .set("created", to: SQLBind(Int64(record.summary.created)))
            .set("updated", to: SQLBind(Int64(record.summary.updated)))
            .set("unchanged", to: SQLBind(Int64(record.summary.unchanged)))
            .set("failed", to: SQLBind(Int64(record.summary.failed)))
            .where("id", .equal, record.id.rawValue)
            .run()
        guard !failures.isEmpty else { return }
        for slice in failures.chunked(by: 200) {
            let insert = self.database.insert(into: "import_failures")
                .columns("import_id", "workspace_id", "line", "cells", "errors")
            for failure in slice {
                insert.values(
                    SQLBind(record.id.rawValue), SQLBind(record.workspaceID.rawValue), SQLBind(Int64(failure.line)),
                    SQLBind(Self.json(failure.cells)), SQLBind(Self.json(failure.errors)))
            }
            try await insert.run()
        }
    }

    func find(_ id: ImportRecord.ID, in workspace: Workspace.ID) async throws -> ImportRecord? {
        try await self.database.select().column("*").from("imports")
            .where("id", .equal, id.rawValue).where("workspace_id", .equal, workspace.rawValue)
            .first()
            .map(Self.record)
    }

    /// Removes an import that read nothing (a HubSpot sync that found no product changed).
    func delete(_ id: ImportRecord.ID, in workspace: Workspace.ID) async throws {
        try await self.database.delete(from: "import_failures").where("import_id", .equal, id.rawValue).run()
        try await self.database.delete(from: "imports")
            .where("id", .equal, id.rawValue).where("workspace_id", .equal, workspace.rawValue)
            .run()
    }

    /// The newest `limit` imports, newest first.
    func latest(_ limit: Int, in workspace: Workspace.ID) async throws -> [ImportRecord] {
        try await self.database.select().column("*").from("imports")
            .where("workspace_id", .equal, workspace.rawValue)
            .orderBy("started_at", .descending).orderBy("id", .descending)
            .limit(limit)
            .all()
            .map(Self.record)
    }

    /// The failed lines of an import, in line order, `limit` at a time after line `after`.
    func failures(of id: ImportRecord.ID, in workspace: Workspace.ID, after line: Int = 0, limit: Int)
        async throws -> [ImportFailure]
    {
        try await self.database.select().columns("line", "cells", "errors").from("import_failures")
            .where("import_id", .equal, id.rawValue).where("workspace_id", .equal, workspace.rawValue)
            .where("line", .greaterThan, Int64(line))
            .orderBy("line")
            .limit(limit)
            .all()
            .map { row in
                ImportFailure(
                    line: Int(try row.decode(column: "line", as: Int64.self)),
                    cells: try Self.decoded([String].self, try row.decode(column: "cells", as: String.self)),
                    errors: try Self.decoded([FieldError].self, try row.decode(column: "errors", as: String.self)))
            }
    }

    private static func record(_ row: any SQLRow) throws -> ImportRecord {
        let written = try Self.decoded([[Int]].self, try row.decode(column: "written_lines", as: String.self))
        var summary = ImportSummary()
        summary.total = Int(try row.decode(column: "total", as: Int64.self))
        summary.created = Int(try row.decode(column: "created", as: Int64.self))
        summary.updated = Int(try row.decode(column: "updated", as: Int64.self))
        summary.unchanged = Int(try row.decode(column: "unchanged", as: Int64.self))
        summary.failed = Int(try row.decode(column: "failed", as: Int64.self))
        return ImportRecord(
            id: .init(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: .init(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            kind: try row.decode(rawValueOf: "kind", as: ImportKind.self),
            origin: try row.decode(rawValueOf: "origin", as: ImportRecord.Origin.self),
            startedBy: try row.decode(column: "started_by", as: String.self),
            fileName: try row.decodeIfPresent(column: "file_name", as: String.self),
            dryRun: try row.decode(column: "dry_run", as: Bool.self),
            status: try row.decode(rawValueOf: "status", as: ImportRecord.Status.self),
            message: try row.decodeIfPresent(column: "message", as: String.self),
            headers: try Self.decoded([String].self, try row.decode(column: "headers", as: String.self)),
            fields: try Self.decoded([String?].self, try row.decode(column: "fields", as: String.self)),
            delimiter: try row.decodeIfPresent(column: "delimiter", as: String.self),
            uploadID: try row.decodeIfPresent(column: "upload_id", as: String.self).map { .init(rawValue: $0) },
            startedAt: Date(millisecondsSince1970: try row.decode(column: "started_at", as: Int64.self)),
            finishedAt: try row.decodeIfPresent(column: "finished_at", as: Int64.self).map(
                Date.init(millisecondsSince1970:)),
            bytesRead: Int(try row.decode(column: "bytes_read", as: Int64.self)),
            linesRead: Int(try row.decode(column: "lines_read", as: Int64.self)),
            writtenLines: written.compactMap { pair in pair.count == 2 && pair[0] <= pair[1] ? pair[0]...pair[1] : nil
            },
            summary: summary)
    }

    private static func json(_ value: some Encodable) -> String {
        (try? String(decoding: JSONEncoder().encode(value), as: UTF8.self)) ?? "[]"
    }

    private static func decoded<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
