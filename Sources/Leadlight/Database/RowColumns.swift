import SQLKit
import SQLiteNIO

/// One result row read column by column, for the records every list is made of (`Lead(row:)` and the like).
///
/// Through `SQLRow` each column is a generic `decode`, an existential call and a search of the row's column names
/// (a sixth of a list request's time, docs/BENCHMARKS.md). A row SQLite's own interface read
/// (`SQLiteDirectRow`: every SQLite read) is read here directly: a column is looked for first where the one read
/// before it ended, so reading in the table's order finds each at once; a value of another type than asked is
/// read as `SQLRow` reads it. Any other row (PostgreSQL's) is read through `SQLRow`.
struct RowColumns {
    private let row: any SQLRow
    private let direct: SQLiteDirectRow?
    /// Where the next column is looked for first.
    private var next = 0

    init(_ row: any SQLRow) {
        self.row = row
        self.direct = row as? SQLiteDirectRow
    }

    mutating func text(_ column: String) throws -> String {
        if case .text(let text)? = try self.directValue(column) { return text }
        return try self.row.decode(column: column, as: String.self)
    }

    /// Nil for NULL.
    mutating func optionalText(_ column: String) throws -> String? {
        switch try self.directValue(column) {
        case .text(let text)?: return text
        case .null?: return nil
        default: return try self.row.decodeIfPresent(column: column, as: String.self)
        }
    }

    mutating func int64(_ column: String) throws -> Int64 {
        if case .integer(let number)? = try self.directValue(column) { return Int64(number) }
        return try self.row.decode(column: column, as: Int64.self)
    }

    /// Nil for NULL.
    mutating func optionalInt64(_ column: String) throws -> Int64? {
        switch try self.directValue(column) {
        case .integer(let number)?: return Int64(number)
        case .null?: return nil
        default: return try self.row.decodeIfPresent(column: column, as: Int64.self)
        }
    }

    /// A text column holding an enum's raw value.
    mutating func rawValue<T: RawRepresentable>(_ column: String, as type: T.Type) throws -> T
    where T.RawValue == String {
        try Self.rawValue(try self.text(column), of: column, as: T.self)
    }

    /// `text`, read from `column`, as an enum's raw value; a text that is none of its values fails naming both.
    /// (`SQLRow.decode(rawValueOf:as:)` reads through here too.)
    static func rawValue<T: RawRepresentable>(_ text: String, of column: String, as type: T.Type) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "\(column) holds \(text), not a \(T.self)"))
        }
        return value
    }

    /// The column's value in a `SQLiteDirectRow`; nil for any other row. A column it lacks is `SQLRow`'s to
    /// report, so the error reads the same either way.
    private mutating func directValue(_ column: String) throws -> SQLiteData? {
        guard let direct = self.direct else { return nil }
        let columns = direct.columns
        let index: Int
        if self.next < columns.count, columns[self.next] == column {
            index = self.next
        } else if let found = columns.firstIndex(of: column) {
            index = found
        } else {
            return nil
        }
        self.next = index + 1
        return direct.values[index]
    }
}
