import SQLKit

/// The two databases Leadlight runs on. Stores branch on this only where the SQL must differ.
package enum DatabaseDialect: String, Sendable {
    case sqlite
    case postgres

    /// The dialect of a connection or transaction handed to a store.
    init(of database: any SQLDatabase) {
        self = database.dialect.name == "sqlite" ? .sqlite : .postgres
    }
}
