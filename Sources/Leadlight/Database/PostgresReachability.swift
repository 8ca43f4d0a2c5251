import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// Whether PostgreSQL takes a new connection now: a connection of its own, opened and closed again.
///
/// A pool that has lent nothing for a while is either waiting on a server that is down or on one that is slow
/// (a busy machine, long transactions holding every connection). Only a connection attempt tells the two
/// apart: refused or reset at once when the server is down, cut off after `timeout` when it hangs. Callers that
/// ask together share one attempt, and an answer stands for a second, so many waiters make few connections.
final class PostgresReachability: Sendable {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let attempt = Mutex<(task: Task<Bool, Never>, finished: ContinuousClock.Instant?)?>(nil)

    init(configuration: PostgresConnection.Configuration, timeout: Duration, logger: Logger) {
        var configuration = configuration
        configuration.options.connectTimeout = .nanoseconds(
            timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        self.configuration = configuration
        self.logger = logger
    }

    /// True when a connection opened; false when it was refused, failed or took longer than the timeout.
    func reachable() async -> Bool {
        let task = self.attempt.withLock { attempt in
            if let last = attempt, last.finished.map({ ContinuousClock.now - $0 < .seconds(1) }) ?? true {
                return last.task
            }
            let started = Task { await self.connect() }
            attempt = (started, nil)
            return started
        }
        let reached = await task.value
        self.attempt.withLock { attempt in
            if let last = attempt, last.task == task, last.finished == nil { attempt = (task, .now) }
        }
        return reached
    }

    private func connect() async -> Bool {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: self.configuration, id: 0, logger: self.logger)
            try? await connection.close()
            return true
        } catch {
            self.logger.warning("PostgreSQL takes no connection", metadata: ["error": "\(String(reflecting: error))"])
            return false
        }
    }
}
