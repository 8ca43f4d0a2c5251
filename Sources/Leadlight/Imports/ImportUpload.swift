import Foundation
import NIOCore
import SQLKit

/// A file uploaded on the dashboard, kept in the database between the import's steps (its columns matched, every
/// row checked, then imported), so any server behind a load balancer can take the next step. It is stored in
/// pieces as it arrives and read back the same way, never whole; it is deleted once imported, and a day after
/// its upload in any case.
package struct ImportUpload: Sendable, Equatable, IdentifiedResource {
    package typealias ID = Identifier<ImportUpload>
    static let idPrefix = "upl"

    package var id: ID
    package var workspaceID: Workspace.ID
    package var kind: ImportKind
    package var fileName: String?
    package var size: Int
    package var uploadedAt: Date

    /// How long an upload is kept when it is not imported.
    static let keptFor: TimeInterval = 24 * 60 * 60
    /// The size of a stored piece.
    static let pieceBytes = 256 * 1024
}

/// Every query on `import_uploads` and `import_upload_pieces`.
struct ImportUploadStore: Sendable {
    let database: LeadlightDatabase

    /// Stores the bytes `readContent` hands on, in pieces, each piece in a transaction of its own (a file of any
    /// size is never held whole); returns the upload once every byte is stored. A failure part way deletes what
    /// was stored. Uploads older than a day are deleted first.
    func store(
        kind: ImportKind, fileName: String?, in workspace: Workspace.ID, at now: Date, maxBytes: Int,
        _ readContent: (_ onPiece: ([UInt8]) async throws -> Void) async throws -> Void
    ) async throws -> ImportUpload {
        let stale = now.addingTimeInterval(-ImportUpload.keptFor).millisecondsSince1970
        try await self.database.transaction { tx in
            try await tx.delete(from: "import_uploads").where("uploaded_at", .lessThan, stale).run()
        }
        var upload = ImportUpload(
            id: .generate(), workspaceID: workspace, kind: kind, fileName: fileName, size: 0, uploadedAt: now)
        let record = upload
        try await self.database.transaction { tx in
            try await tx.insert(into: "import_uploads")
                .columns("id", "workspace_id", "kind", "file_name", "size", "uploaded_at")
                .values(
                    SQLBind(record.id.rawValue), SQLBind(record.workspaceID.rawValue), SQLBind(record.kind.rawValue),
                    SQLBind.orNull(record.fileName), SQLBind(Int64(0)), SQLBind(record.uploadedAt.millisecondsSince1970)
                )
                .run()
        }
        do {
            var piece: [UInt8] = []
            var number = 0
            var size = 0
            func write(_ bytes: [UInt8]) async throws {
                let (id, index) = (record.id.rawValue, Int64(number))
                try await self.database.transaction { tx in
                    try await tx.insert(into: "import_upload_pieces").columns("upload_id", "number", "content")
                        .values(SQLBind(id), SQLBind(index), SQLBind(Data(bytes))).run()
                }
                number += 1
            }
            try await readContent { bytes in
                size += bytes.count
                guard size <= maxBytes else { throw TooLarge(limit: maxBytes) }
                piece += bytes
                while piece.count >= ImportUpload.pieceBytes {
                    try await write(Array(piece.prefix(ImportUpload.pieceBytes)))
                    piece.removeFirst(ImportUpload.pieceBytes)
                }
            }
            if !piece.isEmpty { try await write(piece) }
            upload.size = size
            let total = Int64(size)
            try await self.database.transaction { tx in
                try await tx.update("import_uploads").set("size", to: SQLBind(total))
                    .where("id", .equal, record.id.rawValue).run()
            }
            return upload
        } catch {
            try? await self.delete(record.id, in: workspace)
            throw error
        }
    }

    /// The file is larger than the import's limit.
    struct TooLarge: Error, Sendable {
        var limit: Int
    }

    func find(_ id: ImportUpload.ID, in workspace: Workspace.ID) async throws -> ImportUpload? {
        try await self.database.sql.select().columns("id", "workspace_id", "kind", "file_name", "size", "uploaded_at")
            .from("import_uploads")
            .where("id", .equal, id.rawValue).where("workspace_id", .equal, workspace.rawValue)
            .first()
            .map { row in
                ImportUpload(
                    id: .init(rawValue: try row.decode(column: "id", as: String.self)),
                    workspaceID: .init(rawValue: try row.decode(column: "workspace_id", as: String.self)),
                    kind: try row.decode(rawValueOf: "kind", as: ImportKind.self),
                    fileName: try row.decodeIfPresent(column: "file_name", as: String.self),
                    size: Int(try row.decode(column: "size", as: Int64.self)),
                    uploadedAt: Date(millisecondsSince1970: try row.decode(column: "uploaded_at", as: Int64.self)))
            }
    }

    func delete(_ id: ImportUpload.ID, in workspace: Workspace.ID) async throws {
        try await self.database.transaction { tx in
            try await tx.delete(from: "import_uploads")
                .where("id", .equal, id.rawValue).where("workspace_id", .equal, workspace.rawValue).run()
        }
    }

    /// The upload's bytes, a piece at a time, read as they are asked for.
    func content(of upload: ImportUpload) -> Pieces {
        Pieces(database: self.database.sql, id: upload.id)
    }

    struct Pieces: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let database: any SQLDatabase
        let id: ImportUpload.ID

        struct AsyncIterator: AsyncIteratorProtocol {
            let database: any SQLDatabase
            let id: ImportUpload.ID
            var number: Int64 = 0

            mutating func next() async throws -> ByteBuffer? {
                guard
                    let row = try await self.database.select().column("content").from("import_upload_pieces")
                        .where("upload_id", .equal, self.id.rawValue).where("number", .equal, self.number)
                        .first()
                else { return nil }
                self.number += 1
                return ByteBuffer(data: try row.decode(column: "content", as: Data.self))
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(database: self.database, id: self.id) }
    }
}
