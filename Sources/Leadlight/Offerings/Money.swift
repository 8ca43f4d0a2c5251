import Foundation

/// An exact amount with up to four decimal places, such as a price of `19.99`.
///
/// Kept as a whole number of ten-thousandths (`199900`), stored as BIGINT, and written back as a JSON number
/// through `Decimal`, so `19.99`, `0.07` and `1234567.89` come back exactly as sent — never through `Double`.
package struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    package static let scale: Int64 = 10_000
    package static let decimalPlaces = 4
    /// The largest amount accepted: a trillion, well inside BIGINT at this scale.
    package static let maximum = Decimal(1_000_000_000_000)

    /// The amount in ten-thousandths.
    package let units: Int64

    package init(units: Int64) {
        self.units = units
    }

    /// Validates an amount sent as a JSON number or numeric string.
    package init(validating value: Decimal, field: String) throws {
        guard value >= 0 else { throw ValidationFailure(field: field, message: "must not be negative") }
        guard value <= Self.maximum else {
            throw ValidationFailure(field: field, message: "must be at most 1000000000000")
        }
        var scaled = value * Decimal(Self.scale)
        var whole = Decimal()
        NSDecimalRound(&whole, &scaled, 0, .plain)
        guard whole == scaled else {
            throw ValidationFailure(field: field, message: "must have at most \(Self.decimalPlaces) decimal places")
        }
        self.units = NSDecimalNumber(decimal: whole).int64Value
    }

    /// Parses `"19.99"`; plain decimal notation only (no exponent, no thousands separators).
    package init(validating text: String, field: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.hasPrefix("-") ? trimmed.dropFirst() : Substring(trimmed)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard !digits.isEmpty, parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
            parts.allSatisfy({ $0.allSatisfy(\.isNumber) }),
            let value = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
        else {
            throw ValidationFailure(field: field, message: "must be a number, like 19.99")
        }
        try self.init(validating: value, field: field)
    }

    /// The exact decimal value, for JSON.
    package var decimal: Decimal {
        Decimal(self.units) / Decimal(Self.scale)
    }

    package var description: String { "\(self.decimal)" }

    package static func < (lhs: Money, rhs: Money) -> Bool { lhs.units < rhs.units }
}
