import Foundation
import SQLKit

/// Every query that touches `notes`.
struct NoteStore: Sendable {
    let database: any SQLDatabase

    func insert(_ note: Note) async throws {
        try await self.database.insert(into: "notes")
            .columns("id", "workspace_id", "subject_id", "text", "created_at")
            .values(
                SQLBind(note.id.rawValue), SQLBind(note.workspaceID.rawValue), SQLBind(note.subjectID),
                SQLBind(note.text), SQLBind(note.createdAt.millisecondsSince1970)
            )
            .run()
    }

    /// The newest `limit` notes on the record after skipping `offset`, and how many there are in all.
    func list(on subject: String, in workspace: Workspace.ID, limit: Int, offset: Int) async throws -> (
        notes: [Note], total: Int
    ) {
        try await self.database.newestFirstPage(
            from: "notes", where: "workspace_id = \(bind: workspace.rawValue) AND subject_id = \(bind: subject)",
            limit: limit, offset: offset, decode: Note.init(row:))
    }
}

extension Note {
    init(row: any SQLRow) throws {
        self.init(
            id: ID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: Workspace.ID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            subjectID: try row.decode(column: "subject_id", as: String.self),
            text: try row.decode(column: "text", as: String.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self))
        )
    }
}
