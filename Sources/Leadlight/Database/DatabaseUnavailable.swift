import NIOCore
import PostgresNIO

/// The database cannot be reached (PostgreSQL is down, restarting, or out of connections for longer than a
/// request may wait): the request changed nothing, and is answered 503 with `Retry-After`, not a 500.
package struct DatabaseUnavailable: Error, CustomStringConvertible {
    /// What the driver said, for the log; never shown to a client.
    package var cause: String

    package var description: String { "the database cannot be reached: \(self.cause)" }

    /// Whether `error` says the connection failed, rather than the statement: PostgresNIO's connection errors,
    /// and the server's own for a connection it ends (SQLSTATE class 08, and 57P0x: shutting down, restarting).
    static func isConnectionFailure(_ error: any Error) -> Bool {
        switch error {
        case is DatabaseUnavailable, is NIOConnectionError, is ChannelError:
            return true
        case let error as PSQLError:
            if [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed]
                .contains(error.code)
            {
                return true
            }
            let state = error.serverInfo?[.sqlState] ?? ""
            return error.code == .server && (state.hasPrefix("08") || state.hasPrefix("57P0"))
        default:
            return false
        }
    }
}
