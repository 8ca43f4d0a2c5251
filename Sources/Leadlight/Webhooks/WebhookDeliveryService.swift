import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The delivery worker: claims due deliveries, sends them, records each attempt and schedules retries.
///
/// Runs inside `leadlight serve` and alone as `leadlight worker`; any number of them share one database. It
/// wakes when this process commits new deliveries, on PostgreSQL when any process does (`NOTIFY`), and otherwise
/// every `pollInterval` (retries coming due, and on SQLite another process's commits). Up to `concurrency`
/// attempts are in flight at once; finished ones are recorded together in one transaction. On graceful
/// shutdown it stops claiming, lets the attempts in flight finish (each has its timeout), records them and
/// releases anything it still holds. A worker killed outright holds its claims until their lease runs out;
/// then another worker sends those deliveries again (at least once).
package struct WebhookDeliveryService: Service {
    let database: LeadlightDatabase
    let configuration: WebhookConfiguration
    let clock: WallClock
    let logger: Logger
    /// Told of each recorded attempt, when metrics are on.
    let metrics: ServerMetrics?
    /// Names this worker's claims.
    let workerID = "wkr_" + Base62.random(count: 16)

    package init(
        database: LeadlightDatabase, configuration: WebhookConfiguration, clock: WallClock, logger: Logger,
        metrics: ServerMetrics? = nil
    ) {
        self.database = database
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
    }

    package func run() async throws {
        var clientConfiguration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,  // a redirect could lead anywhere, private addresses included
            timeout: .init(connect: .milliseconds(Int64(self.configuration.timeout / .milliseconds(1))))
        )
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = self.configuration.concurrency
        // A refused connection is a failed attempt now, retried on our schedule, not again and again until the
        // timeout.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        let clients = WebhookHTTPClients(configuration: clientConfiguration)
        await self.deliver(using: clients)
        try? await WebhookDeliveryStore(database: self.database.sql).releaseClaims(of: self.workerID)
        try await clients.shutdown()
    }

    private func deliver(using clients: WebhookHTTPClients) async {
        let sender = WebhookSender(
            clients: clients, policy: WebhookTargetPolicy(allowPrivate: self.configuration.allowPrivateTargets),
            timeout: self.configuration.timeout, clock: self.clock
        )
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let inbox = Inbox()
        let commits = self.database.commits.listen()
        let poll = self.configuration.pollInterval
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await _ in commits { wake.yield() }
            }
            group.addTask {
                // on PostgreSQL another process's commits (a server beside this worker) arrive as notifications
                await self.database.listen(on: WebhookDeliveryStore.notificationChannel, logger: self.logger) {
                    wake.yield()
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: poll)
                    wake.yield()
                }
            }
            wake.yield()
            var inFlight = 0
            await withGracefulShutdownHandler {
                for await _ in wakeups {
                    let finished = inbox.takeAll()
                    if !finished.isEmpty {
                        await self.record(finished)
                        inFlight -= finished.count
                    }
                    if Task.isShuttingDownGracefully || Task.isCancelled {
                        if inFlight == 0 { break } else { continue }
                    }
                    let claimed = await self.claim(self.configuration.concurrency - inFlight)
                    inFlight += claimed.count
                    for delivery in claimed {
                        group.addTask {
                            let attempt = await sender.attempt(delivery)
                            inbox.add(WebhookAttemptOutcome(endpointID: delivery.endpointID, attempt: attempt))
                            wake.yield()
                        }
                    }
                }
            } onGracefulShutdown: {
                wake.yield()
            }
            group.cancelAll()
        }
    }

    private func claim(_ limit: Int) async -> [ClaimedWebhookDelivery] {
        guard limit > 0 else { return [] }
        let now = self.clock.now
        let until = now.adding(self.configuration.effectiveClaimLease)
        do {
            return try await self.database.transaction { [workerID] tx in
                try await WebhookDeliveryStore(database: tx).claimDue(
                    limit: limit, by: workerID, until: until, now: now
                )
            }
        } catch {
            self.logger.error("Could not claim webhook deliveries: \(String(reflecting: error))")
            return []
        }
    }

    /// Records the attempts and schedules what failed; on a database error the claims simply run out, and the
    /// deliveries are sent again (at least once).
    private func record(_ finished: [WebhookAttemptOutcome]) async {
        let now = self.clock.now
        let schedule = self.configuration.retrySchedule
        let outcomes = finished.map { outcome in
            var outcome = outcome
            if !outcome.attempt.succeeded, outcome.attempt.statusCode != 410,
                let wait = schedule.wait(afterAttempt: outcome.attempt.number)
            {
                // counted from the end of the attempt, however long the recording waited
                let ended = outcome.attempt.startedAt.addingTimeInterval(
                    Double(outcome.attempt.latencyMilliseconds) / 1000)
                outcome.attempt.nextRetryAt = Date(
                    millisecondsSince1970: ended.adding(wait).millisecondsSince1970)
            }
            return outcome
        }
        for outcome in outcomes where !outcome.attempt.succeeded {
            self.logger.info(
                "Webhook delivery \(outcome.attempt.deliveryID) attempt \(outcome.attempt.number) failed: \(outcome.attempt.error ?? "")"
            )
        }
        do {
            try await self.database.transaction {
                [workerID, disableAfter = self.configuration.disableAfter] tx in
                try await WebhookDeliveryStore(database: tx).record(
                    outcomes, by: workerID, now: now, disableAfter: disableAfter
                )
            }
            self.metrics?.webhookAttemptsRecorded(outcomes)
        } catch {
            self.logger.error("Could not record webhook attempts: \(String(reflecting: error))")
        }
    }

    /// Attempts that finished and are not yet recorded, handed from the senders to the loop.
    private final class Inbox: Sendable {
        private let outcomes = Mutex<[WebhookAttemptOutcome]>([])

        func add(_ outcome: WebhookAttemptOutcome) {
            self.outcomes.withLock { $0.append(outcome) }
        }

        func takeAll() -> [WebhookAttemptOutcome] {
            self.outcomes.withLock { outcomes in
                defer { outcomes.removeAll(keepingCapacity: true) }
                return outcomes
            }
        }
    }
}

extension WebhookDeliveryService: CustomStringConvertible {
    /// How service-lifecycle names it in its logs: the worker, not every setting it holds.
    package var description: String { "WebhookDeliveryService(\(self.workerID))" }
}
