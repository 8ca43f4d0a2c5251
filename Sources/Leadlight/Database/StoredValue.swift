import SQLKit
import SQLiteNIO

/// A column's value as a store writes it, for either database: bound through SQLKit (`bind`), or handed to
/// SQLite's own interface (`sqlite`) where a store runs one statement for many rows
/// (`SQLiteDirectDatabase.run(_:forEach:)`). SQLite has no boolean: true and false are stored as 1 and 0, as
/// SQLiteKit's encoder stores them.
enum StoredValue: Sendable, Equatable {
    case text(String?)
    case integer(Int64?)
    case boolean(Bool)

    var bind: any SQLExpression {
        switch self {
        case .text(let text): SQLBind.orNull(text)
        case .integer(let integer): SQLBind.orNull(integer)
        case .boolean(let boolean): SQLBind(boolean)
        }
    }

    var sqlite: SQLiteData {
        switch self {
        case .text(let text): text.map { .text($0) } ?? .null
        case .integer(let integer): integer.map { .integer(SQLiteInt64($0)) } ?? .null
        case .boolean(let boolean): .integer(boolean ? 1 : 0)
        }
    }
}
