import Foundation
import Prometheus

/// What a running server counts, for Prometheus to read from `/metrics` on a port of its own (`MetricsServer`).
///
/// Counters and histograms are kept as things happen (requests, rate-limit refusals, webhook attempts); what is a
/// state rather than an event (the webhook queue, the connection pools, the process's memory) is read when
/// Prometheus asks. Made only when metrics are on (`--metrics-port`): otherwise nothing is counted at all.
/// Every metric comes from swift-prometheus's registry, whose collectors are swift-metrics handlers.
package final class ServerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let requestsInFlight: Gauge
    private let rateLimitRefusals: Counter
    private let startTime = Date()

    package init() {
        self.requestsInFlight = self.registry.makeGauge(descriptor: Self.requestsInFlight)
        self.rateLimitRefusals = self.registry.makeCounter(descriptor: Self.rateLimitRefusals)
        self.registry.makeGauge(descriptor: Self.processStart).set(to: self.startTime.timeIntervalSince1970)
    }

    // MARK: Events, counted as they happen

    /// A request began; `requestFinished` is told when it ends.
    func requestStarted() {
        self.requestsInFlight.increment()
    }

    /// A request was answered: `route` is its route's pattern (`/api/v1/leads/{id}`), never the path itself, so
    /// the number of series stays bounded whatever clients ask for.
    func requestFinished(route: String, method: String, status: Int, duration: Duration) {
        self.requestsInFlight.decrement()
        let status = String(status)
        self.registry.makeCounter(
            descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", status)]
        ).increment()
        self.registry.makeDurationHistogram(
            descriptor: Self.requestDuration, labels: [("route", route), ("method", method)],
            buckets: Self.requestDurationBuckets
        ).record(duration)
    }

    /// A request was refused for its key's rate limit.
    func rateLimitRefused() {
        self.rateLimitRefusals.increment()
    }

    /// Webhook attempts were recorded: each `delivered`, `retrying` (a retry is scheduled) or `failed` (no more
    /// retries: the schedule is used up, or the receiver answered 410 Gone).
    func webhookAttemptsRecorded(_ outcomes: [WebhookAttemptOutcome]) {
        for outcome in outcomes {
            let attempt = outcome.attempt
            let name = attempt.succeeded ? "delivered" : attempt.nextRetryAt == nil ? "failed" : "retrying"
            self.registry.makeCounter(descriptor: Self.webhookAttempts, labels: [("outcome", name)]).increment()
        }
    }

    /// An MCP tool was called: `outcome` is `ok` or `error` (the tool answered `isError`).
    func mcpToolCalled(_ tool: String, failed: Bool) {
        self.registry.makeCounter(
            descriptor: Self.mcpToolCalls, labels: [("tool", tool), ("outcome", failed ? "error" : "ok")]
        ).increment()
    }

    /// An import ended (completed, interrupted or refused): counted by kind, origin and status, and its rows by
    /// outcome.
    func importEnded(_ record: ImportRecord) {
        self.registry.makeCounter(
            descriptor: Self.imports,
            labels: [
                ("kind", record.kind.rawValue), ("origin", record.origin.rawValue), ("status", record.status.rawValue),
            ]
        ).increment()
        let summary = record.summary
        for (outcome, rows) in [
            ("created", summary.created), ("updated", summary.updated), ("unchanged", summary.unchanged),
            ("failed", summary.failed),
        ] where rows > 0 {
            self.registry.makeCounter(
                descriptor: Self.importRows, labels: [("kind", record.kind.rawValue), ("outcome", outcome)]
            ).increment(by: Int64(rows))
        }
    }

    // MARK: The text Prometheus reads

    /// Every metric in Prometheus's text format, the states read now. A state that cannot be read (the
    /// database is down) is left at its last value, and `leadlight_metrics_database_up` says so.
    func exposition(database: LeadlightDatabase, now: Date) async -> [UInt8] {
        for pool in database.pools {
            let labels = [("pool", pool.pool)]
            self.registry.makeGauge(descriptor: Self.poolSize, labels: labels).set(to: Double(pool.size))
            self.registry.makeGauge(descriptor: Self.poolInUse, labels: labels).set(to: Double(pool.inUse))
            self.registry.makeGauge(descriptor: Self.poolWaiting, labels: labels).set(to: Double(pool.waiting))
        }
        let up = self.registry.makeGauge(descriptor: Self.databaseUp)
        do {
            let queue = try await WebhookDeliveryStore(database: database.sql).queueSummary(now: now)
            self.registry.makeGauge(descriptor: Self.webhookQueue).set(to: Double(queue.pending))
            let age = queue.oldestDue.map { max(0, now.timeIntervalSince($0)) } ?? 0
            self.registry.makeGauge(descriptor: Self.webhookOldestDue).set(to: age)
            up.set(to: 1)
        } catch {
            up.set(to: 0)
        }
        if let memory = ProcessMemory.residentBytes() {
            self.registry.makeGauge(descriptor: Self.residentMemory).set(to: Double(memory))
        }
        if let files = ProcessMemory.openFiles() {
            self.registry.makeGauge(descriptor: Self.openFiles).set(to: Double(files))
        }
        return self.registry.emitToBuffer()
    }

    // MARK: Names

    private static func named(_ name: String, unit: String = "", _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "leadlight", metricName: name, unitName: unit, helpText: help)
    }

    private static var requests: MetricNameDescriptor {
        named("http_requests", unit: "total", "HTTP requests answered, by route, method and status.")
    }
    private static var requestDuration: MetricNameDescriptor {
        named(
            "http_request_duration", unit: "seconds",
            "Time from a request's arrival to its answer's last byte, by route and method.")
    }
    /// From half a millisecond (a cached list) to ten seconds.
    private static let requestDurationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]
    private static var requestsInFlight: MetricNameDescriptor {
        named("http_requests_in_flight", "HTTP requests being answered now.")
    }
    private static var rateLimitRefusals: MetricNameDescriptor {
        named("rate_limit_refusals", unit: "total", "API requests refused with 429 for their key's rate limit.")
    }
    private static var webhookAttempts: MetricNameDescriptor {
        named(
            "webhook_attempts", unit: "total", "Webhook delivery attempts, by outcome: delivered, retrying or failed.")
    }
    private static var mcpToolCalls: MetricNameDescriptor {
        named("mcp_tool_calls", unit: "total", "MCP tools/call requests, by tool and outcome: ok or error.")
    }
    private static var imports: MetricNameDescriptor {
        named(
            "imports", unit: "total",
            "Imports ended (a dry run too), by kind, origin (api, dashboard) and status (completed, interrupted, refused)."
        )
    }
    private static var importRows: MetricNameDescriptor {
        named(
            "import_rows", unit: "total",
            "Rows of ended imports, by kind and outcome: created, updated, unchanged or failed.")
    }
    private static var webhookQueue: MetricNameDescriptor {
        named("webhook_queue_depth", "Webhook deliveries waiting to be sent to enabled endpoints, due or scheduled.")
    }
    private static var webhookOldestDue: MetricNameDescriptor {
        named(
            "webhook_oldest_due", unit: "seconds",
            "How long the longest-waiting due webhook delivery has been due; 0 when none is.")
    }
    private static var poolSize: MetricNameDescriptor {
        named("database_pool_size", "Connections a pool lends at most, by pool.")
    }
    private static var poolInUse: MetricNameDescriptor {
        named("database_pool_in_use", "Connections lent out now, by pool.")
    }
    private static var poolWaiting: MetricNameDescriptor {
        named("database_pool_waiting", "Callers waiting for a connection now, by pool.")
    }
    private static var databaseUp: MetricNameDescriptor {
        named("metrics_database_up", "1 when the database answered this scrape's queries, 0 when it did not.")
    }
    private static var residentMemory: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "process_resident_memory", unitName: "bytes", helpText: "Resident memory size in bytes.")
    }
    private static var openFiles: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "process_open_fds", unitName: "", helpText: "Number of open file descriptors.")
    }
    private static var processStart: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "process_start_time", unitName: "seconds",
            helpText: "Start time of the process since unix epoch in seconds.")
    }
}

/// The process's own figures, from Linux's `/proc`.
enum ProcessMemory {
    /// Resident set size: the second number of `/proc/self/statm`, in pages.
    static func residentBytes() -> Int? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages.multipliedReportingOverflow(by: sysconf(Int32(_SC_PAGESIZE))).partialValue
    }

    static func openFiles() -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")).map(\.count)
    }
}
