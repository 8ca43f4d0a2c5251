import Foundation
import Hummingbird
import SQLKit
import Synchronization

/// How the dashboard writes times and events for people.
enum DashboardFormat {
    /// `Dec 2, 2026 at 5:14 PM`, in the workspace's time zone.
    static func when(_ date: Date, in zone: TimeZone) -> String {
        let second = date.timeIntervalSince1970.rounded(.down)
        guard abs(second) < 1e15 else { return Self.formatted(date, in: zone) }  // NaN and the far future too
        let key = FormattedTime(second: Int64(second), zone: zone.identifier)
        if let text = Self.formattedTimes.withLock({ $0[key] }) { return text }
        let text = Self.formatted(date, in: zone)
        Self.formattedTimes.withLock { times in
            if times.count >= Self.formattedTimesKept { times.removeAll(keepingCapacity: true) }
            times[key] = text
        }
        return text
    }

    private static func formatted(_ date: Date, in zone: TimeZone) -> String {
        date.formatted(Date.FormatStyle(date: .abbreviated, time: .shortened, timeZone: zone))
    }

    /// `when`'s texts, by the second and the zone. Foundation takes a microsecond and a half a time (a seventh of
    /// the leads inbox's time, 50 a page), and a page shown again shows the same times. A time is written to the
    /// minute, and a zone's offset is whole seconds, so every instant of a second reads the same. At most
    /// `formattedTimesKept`; when full, all are dropped.
    private static let formattedTimes = Mutex<[FormattedTime: String]>([:])
    static let formattedTimesKept = 4096

    private struct FormattedTime: Hashable {
        var second: Int64
        var zone: String
    }

    /// `USD 749,999.99`: exact (from the stored ten-thousandths, never through a float), two decimals at least
    /// and up to four where the amount has them.
    static func money(_ money: Money, _ currency: CurrencyCode) -> String {
        let whole = money.units / Money.scale
        var fraction = String(money.units % Money.scale)
        fraction = String(repeating: "0", count: Money.decimalPlaces - fraction.count) + fraction
        while fraction.count > 2, fraction.hasSuffix("0") { fraction.removeLast() }
        var digits = String(whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return "\(currency.rawValue) \(digits)\(grouped).\(fraction)"
    }

    /// The time a `datetime-local` field sends (`2026-12-05T15:00`, seconds optional), read in `zone`; nil when
    /// it is not one.
    static func localTime(_ text: String, in zone: TimeZone) -> Date? {
        let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard parts.count == 2 else { return nil }
        let day = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        let time = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard day.count == 3, (2...3).contains(time.count), let year = day[0], let month = day[1], let date = day[2],
            let hour = time[0], let minute = time[1], (1900...9999).contains(year), (1...12).contains(month),
            (1...31).contains(date), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        let second = time.count == 3 ? time[2] : 0
        guard let second, (0...59).contains(second) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(
            year: year, month: month, day: date, hour: hour, minute: minute, second: second)
        guard let result = calendar.date(from: components),
            calendar.component(.day, from: result) == date
        else { return nil }  // 31 February is not a day
        return result
    }

    /// A link to `page` of a list at `path` that keeps its filters (`items` without a value are left out).
    static func pageLink(_ path: String, _ items: [(String, String?)]) -> (Int) -> String {
        { page in
            var components = URLComponents()
            components.path = path
            components.queryItems =
                [URLQueryItem(name: "page", value: String(page))]
                + items.compactMap { name, value in
                    guard let value, !value.isEmpty else { return nil }
                    return URLQueryItem(name: name, value: value)
                }
            return components.string ?? path
        }
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
        try self.init(
            try await request.collectBody(upTo: context.maxRequestBodyBytes), contentType: request.headers[.contentType]
        )
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

/// A consent a visitor gave on the public site, as a lead's or client's page shows it.
struct ConsentView: Sendable {
    var text: String
    var page: String
    var when: String

    static func load(_ subject: String, in workspace: Workspace, database: any SQLDatabase) async throws
        -> [ConsentView]
    {
        try await ConsentStore(database: database).consents(of: subject, in: workspace.id).map {
            ConsentView(text: $0.text, page: $0.page, when: DashboardFormat.when($0.givenAt, in: workspace.zone))
        }
    }
}
