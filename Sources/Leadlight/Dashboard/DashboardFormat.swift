import Foundation
import Hummingbird
import SQLKit

/// How the dashboard writes times and events for people.
enum DashboardFormat {
    /// `Dec 2, 2026 at 5:14 PM`, in the workspace's time zone.
    static func when(_ date: Date, in zone: TimeZone) -> String {
        date.formatted(Date.FormatStyle(date: .abbreviated, time: .shortened, timeZone: zone))
    }

    /// An event in words: `Status new → contacted`, `Stage Searching → Touring`, `Lead created`.
    static func describe(_ type: String, data: String) -> String {
        struct Fields: Decodable {
            var status: String?
            var previousStatus: String?
            var buyingStage: String?
            var previousStage: String?
            var name: String?
            var address: String?
        }
        let fields = try? JSONDecoder().decode(Fields.self, from: Data(data.utf8))
        switch type {
        case "lead.created": return "Lead created"
        case "client.created": return "Client created"
        case "listing.created": return "Listing created"
        case "showing.requested": return "Showing requested"
        case "lead.status_changed", "listing.status_changed", "showing.status_changed":
            return "Status \(fields?.previousStatus ?? "?") → \(fields?.status ?? "?")"
        case "client.stage_changed":
            return "Stage \(fields?.previousStage ?? "?") → \(fields?.buyingStage ?? "?")"
        default: return type
        }
    }
}

extension Workspace {
    /// The workspace's time zone (UTC when its name is not one this machine knows).
    var zone: TimeZone { TimeZone(identifier: self.timeZone) ?? .gmt }
}

extension DashboardForm {
    /// The request's form body (the form guard has read it already, within the body limit).
    init(request: Request, context: APIContext) async throws {
        var request = request
        self.init(try await request.collectBody(upTo: context.maxRequestBodyBytes))
    }
}

/// A lead's or a client's notes and events, newest first, as its page shows them.
struct TimelineView: Sendable {
    struct Entry: Sendable {
        var isNote: Bool
        var text: String
        var type: String
        var when: String
    }

    var entries: [Entry]
    var total: Int
    var more: Bool

    static let shown = 50

    static func load(_ subject: NoteSubject, in workspace: Workspace, database: any SQLDatabase) async throws
        -> TimelineView
    {
        let (entries, total) = try await Timeline(database: database).page(
            of: subject.id, in: workspace.id, limit: Self.shown, offset: 0)
        let zone = workspace.zone
        return TimelineView(
            entries: entries.map { entry in
                switch entry {
                case .note(let note):
                    Entry(
                        isNote: true, text: note.text, type: "note",
                        when: DashboardFormat.when(note.createdAt, in: zone))
                case .event(let event):
                    Entry(
                        isNote: false, text: DashboardFormat.describe(event.type.rawValue, data: event.data),
                        type: event.type.rawValue, when: DashboardFormat.when(event.occurredAt, in: zone))
                }
            },
            total: total, more: total > entries.count)
    }
}
