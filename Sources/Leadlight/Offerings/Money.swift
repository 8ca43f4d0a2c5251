import Foundation

/// An exact amount with up to four decimal places, such as a price of `19.99`.
///
/// Kept as a whole number of ten-thousandths (`199900`), stored as BIGINT, and written back as a JSON number
/// through `Decimal`, so `19.99`, `0.07` and `1234567.89` come back exactly as sent — never through `Double`.
package struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    package static let scale: Int64 = 10_000
    package static let decimalPlaces = 4
    /// The largest amount accepted: a trillion, well inside BIGINT at this scale.
    package static let maximumUnits: Int64 = 1_000_000_000_000 * scale

    /// The amount in ten-thousandths.
    package let units: Int64

    package init(units: Int64) {
        self.units = units
    }

    /// Validates an amount sent as a JSON number. `Decimal` prints its exact digits, never an exponent.
    package init(validating value: Decimal, field: String) throws {
        try self.init(validating: value.description, field: field)
    }

    /// Parses `"19.99"` straight into ten-thousandths: plain decimal notation only (no exponent, no thousands
    /// separators), surrounding spaces ignored.
    package init(validating text: String, field: String) throws {
        var units: Int64 = 0
        var decimals = -1  // digits seen after the point; -1 before it
        var digits = 0
        var negative = false
        var utf8 = Substring(text).utf8[...]
        while utf8.first == UInt8(ascii: " ") { utf8 = utf8.dropFirst() }
        while utf8.last == UInt8(ascii: " ") { utf8 = utf8.dropLast() }
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if decimals >= 0 { decimals += 1 }
                digits += 1
                guard decimals <= Self.decimalPlaces else {
                    // trailing zeros past the fourth place change nothing: 1.50000 is 1.5
                    if byte == UInt8(ascii: "0") { continue }
                    throw ValidationFailure(
                        field: field, message: "must have at most \(Self.decimalPlaces) decimal places")
                }
                guard digits <= 17, let shifted = Self.appending(byte - UInt8(ascii: "0"), to: units) else {
                    throw Self.tooLarge(field)
                }
                units = shifted
            case UInt8(ascii: ".") where decimals < 0 && digits > 0:
                decimals = 0
            default:
                throw ValidationFailure(field: field, message: "must be a number, like 19.99")
            }
        }
        guard digits > 0, decimals != 0 else {
            throw ValidationFailure(field: field, message: "must be a number, like 19.99")
        }
        // Up to 17 digits fit an Int64, but scaling them to ten-thousandths may not: 99999999999999999 once
        // trapped here and took the whole server down (issue 16). Every step is checked.
        // (decimals may pass four where trailing zeros were skipped: 1.50000)
        for _ in min(max(decimals, 0), Self.decimalPlaces)..<Self.decimalPlaces {
            guard let shifted = Self.appending(0, to: units) else { throw Self.tooLarge(field) }
            units = shifted
        }
        guard !negative || units == 0 else { throw ValidationFailure(field: field, message: "must not be negative") }
        guard units <= Self.maximumUnits else { throw Self.tooLarge(field) }
        self.units = units
    }

    /// `units * 10 + digit`, or nil where that would not fit an Int64.
    private static func appending(_ digit: UInt8, to units: Int64) -> Int64? {
        let (shifted, overflow) = units.multipliedReportingOverflow(by: 10)
        let (sum, carry) = shifted.addingReportingOverflow(Int64(digit))
        return overflow || carry ? nil : sum
    }

    private static func tooLarge(_ field: String) -> ValidationFailure {
        ValidationFailure(field: field, message: "must be at most 1000000000000")
    }

    /// The exact decimal value, for JSON.
    package var decimal: Decimal {
        Decimal(self.units) / Decimal(Self.scale)
    }

    package var description: String { "\(self.decimal)" }

    package static func < (lhs: Money, rhs: Money) -> Bool { lhs.units < rhs.units }
}
