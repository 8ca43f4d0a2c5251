import PostgresKit
import SQLiteNIO

/// Recognises a unique-constraint failure from either driver, so stores can turn it into meaning.
enum UniqueViolation {
    /// True when `error` is a unique violation; `column`, when given, must appear in the constraint.
    static func matches(_ error: any Error, column: String? = nil) -> Bool {
        if let error = error as? SQLiteDirectError {
            return error.isUniqueViolation && (column.map { error.message.contains($0) } ?? true)
        }
        if let error = error as? SQLiteError {
            let isUnique =
                error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed
                || (error.reason == .constraint && error.message.contains("UNIQUE"))
            return isUnique && (column.map { error.message.contains($0) } ?? true)
        }
        if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23505" {
            guard let column else { return true }
            let detail = (error.serverInfo?[.detail] ?? "") + (error.serverInfo?[.constraintName] ?? "")
            return detail.contains(column)
        }
        return false
    }
}
