import SQLKit

extension SQLBind {
    /// The value bound as a parameter, or SQL `NULL` when there is none.
    static func orNull<T: Encodable & Sendable>(_ value: T?) -> any SQLExpression {
        value.map { SQLBind($0) } ?? SQLLiteral.null
    }
}
