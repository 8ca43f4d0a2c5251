/// The two databases Leadlight runs on. Stores branch on this only where the SQL must differ.
package enum DatabaseDialect: String, Sendable {
    case sqlite
    case postgres
}
