import Foundation

/// Where the current time comes from. Injected everywhere time matters, so tests move time instead of sleeping.
package struct WallClock: Sendable {
    private let read: @Sendable () -> Date

    package init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    package static let system = WallClock { Date() }

    package var now: Date { self.read() }
}

extension Date {
    /// Whole milliseconds since 1970, the form every timestamp column is stored in on both databases.
    var millisecondsSince1970: Int64 {
        Int64((self.timeIntervalSince1970 * 1000).rounded(.down))
    }

    init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
