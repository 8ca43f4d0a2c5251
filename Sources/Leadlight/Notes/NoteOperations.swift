import Foundation
import SQLKit

/// Notes on leads and clients, for every surface alike: the text checked as all text is, the record the
/// workspace's. Writing a note records no event (the catalogue of events is the API's published contract).
package struct NoteOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock

    package init(database: LeadlightDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    /// Adds a note inside a transaction the caller owns.
    package func add(_ text: String, on subject: NoteSubject, in workspace: Workspace.ID, within tx: any SQLDatabase)
        async throws -> Note
    {
        let text = try TextRules.required(text, field: "text", maxLength: Note.maxLength)
        try await subject.requireExists(in: workspace, on: tx)
        let note = Note(
            id: .generate(), workspaceID: workspace, subjectID: subject.id, text: text, createdAt: self.clock.now)
        try await NoteStore(database: tx).insert(note)
        return note
    }

    /// The same in a transaction of its own.
    package func add(_ text: String, on subject: NoteSubject, in workspace: Workspace.ID) async throws -> Note {
        try await self.database.transaction { tx in try await self.add(text, on: subject, in: workspace, within: tx) }
    }
}
