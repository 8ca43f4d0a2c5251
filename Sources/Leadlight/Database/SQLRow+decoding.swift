import SQLKit

extension SQLRow {
    /// A nullable column. Faster than `decode(column:as: T?.self)`: SQLiteKit converts plain `String`, `Int64`
    /// and `Bool` directly, but sends an `Optional` through its generic decoder, which showed in profiles.
    func decodeIfPresent<T: Decodable>(column: String, as type: T.Type) throws -> T? {
        try self.decodeNil(column: column) ? nil : self.decode(column: column, as: T.self)
    }

    /// A text column holding an enum's raw value, converted directly rather than through `Decodable`.
    func decode<T: RawRepresentable>(rawValueOf column: String, as type: T.Type) throws -> T
    where T.RawValue == String {
        try RowColumns.rawValue(try self.decode(column: column, as: String.self), of: column, as: T.self)
    }
}
