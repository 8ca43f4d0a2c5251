import Foundation

/// Where the current time comes from. Injected everywhere time matters, so tests move time instead of sleeping.
package struct WallClock: Sendable {
    private let read: @Sendable () -> Date

    package init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    package static let system = WallClock { Date() }

    /// Now, to the millisecond: the precision every stored time has, so a value read back equals the one written.
    package var now: Date { Date(millisecondsSince1970: self.read().millisecondsSince1970) }
}

extension Date {
    /// Whole milliseconds since 1970, the form every timestamp column is stored in on both databases.
    var millisecondsSince1970: Int64 {
        Int64((self.timeIntervalSince1970 * 1000).rounded())
    }

    init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// This time moved on by `duration` (back, when it is negative), to the millisecond.
    func adding(_ duration: Duration) -> Date {
        self.addingTimeInterval(Double(duration / .milliseconds(1)) / 1000)
    }
}
