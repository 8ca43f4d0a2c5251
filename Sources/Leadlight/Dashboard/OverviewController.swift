import Foundation
import Hummingbird
import SQLKit

/// `GET /`: the agent's day at a glance. New leads today and this week (in the workspace's time zone), the
/// leads still waiting for a first contact and how long they have waited, clients per pipeline stage, the
/// showings coming up and the latest events. A fixed number of queries, whatever the size of the workspace.
struct OverviewController {
    let database: LeadlightDatabase
    let clock: WallClock
    let pages: DashboardPages

    /// What `overview.mustache` shows.
    struct OverviewPage: Sendable {
        struct WaitingLead: Sendable {
            var id: String
            var name: String
            var source: String?
            var waited: String
            /// `fast` (under 5 minutes), `slow` (under an hour), `late`.
            var speed: String
        }
        struct Stage: Sendable {
            var name: String
            var count: Int
        }
        struct UpcomingShowing: Sendable {
            var clientName: String
            var address: String
            var when: String
            var status: String
        }
        struct RecentEvent: Sendable {
            var type: String
            var label: String
            var when: String
        }

        var layout: DashboardLayout
        var newToday: Int
        var newThisWeek: Int
        var waitingCount: Int
        var waiting: [WaitingLead]
        var stages: [Stage]
        var showings: [UpcomingShowing]
        var events: [RecentEvent]
        /// Bot submissions the public site caught (and stored nothing of).
        var botsCaught: Int
        var publicPath: String
    }

    func show(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let (workspace, workspaceID) = (signedIn.workspace, signedIn.workspaceID)
        let sql = self.database.sql
        let now = self.clock.now
        let zone = TimeZone(identifier: workspace.timeZone) ?? .gmt
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        let today = calendar.startOfDay(for: now)
        let week = calendar.dateInterval(of: .weekOfYear, for: now)?.start ?? today

        let counts = try await sql.raw(
            """
            SELECT
                SUM(CASE WHEN created_at >= \(bind: today.millisecondsSince1970) THEN 1 ELSE 0 END) AS today,
                SUM(CASE WHEN created_at >= \(bind: week.millisecondsSince1970) THEN 1 ELSE 0 END) AS week
            FROM leads
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND archived_at IS NULL
                AND created_at >= \(bind: min(today, week).millisecondsSince1970)
            """
        ).first()
        var waitingQuery = LeadQuery()
        waitingQuery.status = .new
        waitingQuery.limit = 8
        let (waiting, waitingCount) = try await LeadStore(database: sql).list(waitingQuery, in: workspaceID)
        let perStage = try await RecordCounts(database: sql).perState(.clients, in: workspaceID)
        let showingRows = try await sql.raw(
            """
            SELECT c.name AS client_name, l.address AS address, s.preferred_time AS preferred_time, s.status AS status
            FROM showings s
            JOIN clients c ON c.id = s.client_id
            JOIN listings l ON l.id = s.listing_id
            WHERE s.workspace_id = \(bind: workspaceID.rawValue) AND s.archived_at IS NULL
                AND s.status IN ('requested', 'confirmed')
                AND s.preferred_time >= \(bind: now.millisecondsSince1970)
            ORDER BY s.preferred_time
            LIMIT 6
            """
        ).all()
        let eventRows = try await sql.raw(
            """
            SELECT type, data, occurred_at FROM events
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND type <> 'webhook.test'
            ORDER BY seq DESC
            LIMIT 10
            """
        ).all()

        let format = Date.FormatStyle(date: .abbreviated, time: .shortened, timeZone: zone)
        let page = OverviewPage(
            layout: signedIn.layout(.overview),
            newToday: try counts?.decodeIfPresent(column: "today", as: Int.self) ?? 0,
            newThisWeek: try counts?.decodeIfPresent(column: "week", as: Int.self) ?? 0,
            waitingCount: waitingCount,
            waiting: waiting.map { lead in
                let waited = now.timeIntervalSince(lead.createdAt)
                return .init(
                    id: lead.id.rawValue, name: lead.name, source: lead.source, waited: Self.age(waited),
                    speed: waited < 5 * 60 ? "fast" : waited < 3600 ? "slow" : "late")
            },
            stages: BuyingStage.allCases.map { .init(name: $0.rawValue, count: perStage[$0.rawValue] ?? 0) },
            showings: try showingRows.map { row in
                .init(
                    clientName: try row.decode(column: "client_name", as: String.self),
                    address: try row.decode(column: "address", as: String.self),
                    when: Date(millisecondsSince1970: try row.decode(column: "preferred_time", as: Int64.self))
                        .formatted(format),
                    status: try row.decode(column: "status", as: String.self))
            },
            events: try eventRows.map { row in
                .init(
                    type: try row.decode(column: "type", as: String.self),
                    label: Self.label(of: try row.decode(column: "data", as: String.self)),
                    when: Date(millisecondsSince1970: try row.decode(column: "occurred_at", as: Int64.self))
                        .formatted(format))
            },
            botsCaught: try await PublicProfileStore(database: self.database.sql).find(workspace.id)?.botsCaught ?? 0,
            publicPath: "/a/\(workspace.agentID.rawValue)"
        )
        return self.pages.render("overview", page)
    }

    /// `3 min`, `2 h 5 min`, `4 days`.
    static func age(_ seconds: TimeInterval) -> String {
        let minutes = max(0, Int(seconds / 60))
        if minutes < 60 { return minutes < 1 ? "just now" : "\(minutes) min" }
        let hours = minutes / 60
        if hours < 48 { return minutes % 60 == 0 ? "\(hours) h" : "\(hours) h \(minutes % 60) min" }
        return "\(hours / 24) days"
    }

    /// What an event is about, in words: the name or address in its data.
    static func label(of data: String) -> String {
        struct Named: Decodable {
            var name: String?
            var address: String?
        }
        let named = try? JSONDecoder().decode(Named.self, from: Data(data.utf8))
        return named?.name ?? named?.address ?? ""
    }
}
