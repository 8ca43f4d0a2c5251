import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import PostgresNIO
import Testing

@testable import Leadlight

/// When a caller waiting for a PostgreSQL connection gives up: only when PostgreSQL takes no new connection (down,
/// or hanging), never because the pool is slow — a busy machine, or long transactions holding every connection.
@Suite struct PostgresLenderTests {
    @Test(.enabled(if: TestDatabase.postgresURL != nil))
    func aCallerWaitsBehindALongTransactionForTheOnlyConnection() async throws {
        let url = try #require(TestDatabase.postgresURL)
        try await Self.withLender(url: url, connections: 1) { lender in
            let holding = Task {
                try await lender.withConnection { database in
                    try await database.raw("SELECT pg_sleep(3)").run()
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            let started = ContinuousClock.now
            let answer = try await lender.withConnection { database in
                try await database.raw("SELECT 1 AS one").first().map { try $0.decode(column: "one", as: Int.self) }
            }
            #expect(answer == 1)
            #expect(ContinuousClock.now - started > .seconds(2), "it waited its turn, three lease timeouts long")
            try await holding.value
        }
    }

    @Test func aServerThatRefusesConnectionsIsUnavailableAfterTheLeaseTimeout() async throws {
        let port = try LoopbackAddress.freePort()
        let waited = try await Self.timeToRefusal(port: port)
        #expect(waited >= .seconds(1) && waited < .seconds(30), "waited \(waited)")
    }

    @Test func aServerThatAcceptsButNeverAnswersIsUnavailableAfterTheProbesTimeout() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { _ in MultiThreadedEventLoopGroup.singleton.any().makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(silent.localAddress?.port)
        let waited = try await Self.timeToRefusal(port: port)
        try await silent.close()
        // a lease timeout and a probe's: 2 s, more on a loaded machine, but well before the pool's own attempt
        // gives up (a minute)
        #expect(waited >= .seconds(2) && waited < .seconds(30), "waited \(waited)")
    }

    /// How long a query on a server at `port` waits before it is refused with `DatabaseUnavailable`.
    private static func timeToRefusal(port: Int) async throws -> Duration {
        var waited = Duration.zero
        try await Self.withLender(url: "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable") { lender in
            let started = ContinuousClock.now
            await #expect(throws: DatabaseUnavailable.self) {
                try await lender.withConnection { database in try await database.raw("SELECT 1").run() }
            }
            waited = ContinuousClock.now - started
        }
        return waited
    }

    /// A lender whose callers give up after one second without a connection, and whose probe waits one second.
    private static func withLender(
        url: String, connections: Int = 4, _ body: (PostgresLender) async throws -> Void
    ) async throws {
        let parsed = try SQLPostgresConfiguration(url: url).coreConfiguration
        let host = parsed.host ?? "127.0.0.1"
        let port = parsed.port ?? 5432
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: parsed.username, password: parsed.password, database: parsed.database,
            tls: .disable)
        configuration.options.maximumConnections = connections
        configuration.options.connectTimeout = .seconds(60)
        let client = PostgresClient(configuration: configuration, backgroundLogger: TestDatabase.logger)
        let run = Task { await client.run() }
        var lender = PostgresLender(
            client: client,
            reachability: PostgresReachability(
                configuration: PostgresConnection.Configuration(
                    host: host, port: port, username: parsed.username, password: parsed.password,
                    database: parsed.database, tls: .disable),
                timeout: .seconds(1), logger: TestDatabase.logger))
        lender.leaseTimeout = .seconds(1)
        do {
            try await body(lender)
        } catch {
            run.cancel()
            throw error
        }
        run.cancel()
    }
}
