import Foundation
import SQLKit

/// A lead's or a client's history, newest first: the notes written on it and the events about it (migration 18
/// says which events those are).
struct Timeline: Sendable {
    enum Entry: Sendable, Equatable {
        case note(Note)
        case event(Event)

        var at: Date {
            switch self {
            case .note(let note): note.createdAt
            case .event(let event): event.occurredAt
            }
        }

        var id: String {
            switch self {
            case .note(let note): note.id.rawValue
            case .event(let event): event.id.rawValue
            }
        }
    }

    /// The deepest a timeline is paged: each page reads `offset + limit` rows of both kinds and merges them.
    static let maxOffset = 10_000

    let database: any SQLDatabase

    /// The newest `limit` entries after skipping `offset`, and how many there are in all.
    func page(of subject: String, in workspace: Workspace.ID, limit: Int, offset: Int) async throws -> (
        entries: [Entry], total: Int
    ) {
        let wanted = offset + limit  // both bounded by the query's rules
        let (notes, noteCount) = try await NoteStore(database: self.database).list(
            on: subject, in: workspace, limit: wanted, offset: 0)
        let events = try await self.database.raw(
            """
            SELECT e.id, e.workspace_id, e.type, e.data, e.occurred_at FROM event_subjects s
            JOIN events e ON e.id = s.event_id
            WHERE s.workspace_id = \(bind: workspace.rawValue) AND s.subject_id = \(bind: subject)
            ORDER BY s.occurred_at DESC, e.seq DESC
            LIMIT \(bind: wanted)
            """
        ).all().map(Event.init(row:))
        let eventCount =
            try await self.database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("event_subjects").where("workspace_id", .equal, workspace.rawValue)
            .where("subject_id", .equal, subject)
            .first()?.decode(column: "n", as: Int.self) ?? 0
        // both newest first already: merged so, a note before an event of the same millisecond, events in
        // the order they were recorded
        var merged: [Entry] = []
        merged.reserveCapacity(notes.count + events.count)
        var (noteIndex, eventIndex) = (0, 0)
        while noteIndex < notes.count || eventIndex < events.count {
            if eventIndex == events.count
                || (noteIndex < notes.count && notes[noteIndex].createdAt >= events[eventIndex].occurredAt)
            {
                merged.append(.note(notes[noteIndex]))
                noteIndex += 1
            } else {
                merged.append(.event(events[eventIndex]))
                eventIndex += 1
            }
        }
        return (Array(merged.dropFirst(offset).prefix(limit)), noteCount + eventCount)
    }
}
