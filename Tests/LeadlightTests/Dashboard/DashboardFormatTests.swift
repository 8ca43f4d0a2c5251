import Foundation
import Testing

@testable import Leadlight

/// The dashboard's times are Foundation's formatting of them, whether written now or kept from before, for
/// fuzzed instants (to the millisecond, as stored, and finer) in zones with odd offsets. On a thread of its own:
/// it computes for seconds without awaiting.
@Suite(.onAThreadOfItsOwn) struct DashboardFormatTests {
    @Test func aTimeReadsAsFoundationWritesItFirstTimeAndAfter() {
        var input = FuzzInput(stream: "dashboard-when")
        let zones = [
            "UTC", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "Europe/Amsterdam",
        ]
        .compactMap(TimeZone.init(identifier:))
        for _ in 0..<FuzzInput.iterations {
            let milliseconds = Double(input.int(-2_208_988_800_000...4_102_444_800_000))  // 1900 to 2100
            let date = Date(
                timeIntervalSince1970: input.chance(0.5)
                    ? milliseconds / 1000 : milliseconds / 1000 + Double(input.int(0...999)) / 1_000_000)
            let zone = input.pick(zones)
            let foundation = date.formatted(Date.FormatStyle(date: .abbreviated, time: .shortened, timeZone: zone))
            #expect(DashboardFormat.when(date, in: zone) == foundation, "\(date.timeIntervalSince1970) \(zone)")
            // the same second again, now from what was kept, and a neighbour within it
            #expect(DashboardFormat.when(date, in: zone) == foundation)
            let second = date.timeIntervalSince1970.rounded(.down)
            let neighbour = Date(timeIntervalSince1970: second + Double(input.int(0...999)) / 1000)
            #expect(
                DashboardFormat.when(neighbour, in: zone)
                    == neighbour.formatted(Date.FormatStyle(date: .abbreviated, time: .shortened, timeZone: zone)),
                "\(neighbour.timeIntervalSince1970) \(zone)")
        }
        // more than are kept: the oldest are dropped, and every time still reads right
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for offset in 0...DashboardFormat.formattedTimesKept {
            let date = start + Double(offset) * 61
            #expect(
                DashboardFormat.when(date, in: zones[0])
                    == date.formatted(Date.FormatStyle(date: .abbreviated, time: .shortened, timeZone: zones[0])))
        }
    }
}
