import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import Leadlight

/// `/metrics` (issue 14): a real `leadlight serve --metrics-port`, read by Prometheus's own Python client's parser,
/// its figures moving with the requests made, the webhook attempts and the queue.
@Suite(.takingTurns) struct MetricsEndpointTests {
    @Test(.enabled { await ExternalTool.prometheusClientAvailable() }, arguments: TestDatabase.available)
    func prometheusReadsTheMetricsAndTheyMoveWithWhatTheServerDoes(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            let receiver = WebhookReceiver()
            try await receiver.start()
            defer { Task { await receiver.stop() } }
            let server = try await ServerProcess.start(
                ["--database-url", location.databaseURL, "--metrics-port", "0", "--rate-limit", "12"],
                environment: [
                    "LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE": "1", "LEADLIGHT_WEBHOOKS_POLL_INTERVAL": "0.05",
                    "LEADLIGHT_WEBHOOKS_RETRY_SCHEDULE": "3600",
                ],
                alsoPrinting: "Metrics for Prometheus at ")
            defer { Task { await server.stop() } }
            let (key, metricsURL) = try Self.keyAndMetricsURL(printedBy: server)
            #expect(try await Self.get("\(server.baseURL)/metrics").status == 404, "never on the public listener")

            let before = try await Self.scrape(metricsURL)
            #expect(before.value("leadlight_http_requests_total", ["route": "/api/v1/leads", "method": "POST"]) == 0)
            // one receiver that answers, one address nobody listens on (its attempts are retried in an hour)
            for url in [receiver.url, "http://127.0.0.1:9/hooks"] {
                let json = try JSONSerialization.data(withJSONObject: ["url": url, "events": ["lead.created"]])
                #expect(try await server.request(.POST, "/api/v1/webhooks", key: key, json: json).status == 201)
            }
            var leadID = ""
            for number in 1...3 {
                let json = Data(#"{"name":"Lead \#(number)","email":"m\#(number)@example.com"}"#.utf8)
                let created = try await server.request(.POST, "/api/v1/leads", key: key, json: json)
                #expect(created.status == 201)
                leadID = created.body.firstMatch(of: /"leadId":"([^"]+)"/).map { String($0.output.1) } ?? ""
            }
            #expect(try await server.request(.GET, "/api/v1/leads/\(leadID)", key: key).status == 200)
            #expect(try await server.request(.GET, "/api/v1/leads/ld_nothing", key: key).status == 404)
            #expect(try await Self.get("\(server.baseURL)/no/such/page-\(UUID())").status == 404)
            var refused = 0
            for _ in 0..<8 where try await server.request(.GET, "/api/v1/leads", key: key).status == 429 {
                refused += 1
            }
            #expect(refused > 0, "12 a minute: the last of these 15 requests are refused")

            // the worker's attempts: three delivered, three failed and scheduled for a retry
            let deadline = ContinuousClock.now + .seconds(30)
            var after = try await Self.scrape(metricsURL)
            while ContinuousClock.now < deadline,
                after.value("leadlight_webhook_attempts_total", ["outcome": "delivered"]) < 3
                    || after.value("leadlight_webhook_attempts_total", ["outcome": "retrying"]) < 3
            {
                try await Task.sleep(for: .milliseconds(100))
                after = try await Self.scrape(metricsURL)
            }
            let created = ["route": "/api/v1/leads", "method": "POST", "status": "201"]
            #expect(after.value("leadlight_http_requests_total", created) == 3)
            #expect(
                after.value(
                    "leadlight_http_request_duration_seconds_count", ["route": "/api/v1/leads", "method": "POST"])
                    == 3)
            let read = ["route": "/api/v1/leads/{id}", "method": "GET"]
            #expect(after.value("leadlight_http_requests_total", read.merging(["status": "200"]) { $1 }) == 1)
            #expect(after.value("leadlight_http_requests_total", read.merging(["status": "404"]) { $1 }) == 1)
            #expect(
                after.value(
                    "leadlight_http_requests_total", ["route": "/api/v1/leads", "method": "GET", "status": "429"])
                    == Double(refused))
            #expect(after.value("leadlight_rate_limit_refusals_total", [:]) == Double(refused))
            #expect(after.value("leadlight_webhook_attempts_total", ["outcome": "delivered"]) == 3)
            #expect(after.value("leadlight_webhook_attempts_total", ["outcome": "retrying"]) == 3)
            #expect(after.value("leadlight_webhook_attempts_total", ["outcome": "failed"]) == 0)
            #expect(after.value("leadlight_webhook_queue_depth", [:]) == 3, "the three waiting for their retry")
            #expect(after.value("leadlight_webhook_oldest_due_seconds", [:]) == 0, "none of them due yet")
            #expect(after.value("leadlight_metrics_database_up", [:]) == 1)
            #expect(after.value("leadlight_http_requests_in_flight", [:]) == 0)
            switch kind {
            case .sqlite:
                #expect(after.value("leadlight_database_pool_size", ["pool": "sqlite-readers"]) == 4)
                #expect(after.value("leadlight_database_pool_size", ["pool": "sqlite-writer"]) == 1)
            case .postgres:
                #expect(after.value("leadlight_database_pool_size", ["pool": "postgres"]) == 16)
            }
            #expect(after.value("leadlight_database_pool_in_use", [:]) >= 0)
            #expect(after.value("process_resident_memory_bytes", [:]) > 10_000_000)
            #expect(after.value("process_open_fds", [:]) > 0)
            // a path no route matches (that one and /metrics on the public port) is counted under one name, never
            // as itself
            #expect(after.value("leadlight_http_requests_total", ["route": "NotFound", "status": "404"]) == 2)
            #expect(after.samples.allSatisfy { !($0.labels["route"] ?? "").contains("no/such") })
            // the scrapes themselves are not counted: they are not the server's requests
            #expect(after.samples.allSatisfy { $0.labels["route"] != "/metrics" })
        }
    }

    /// Imports, counted as they end: by kind, origin and status, and their rows by outcome.
    @Test(.enabled { await ExternalTool.prometheusClientAvailable() })
    func importsAreCountedWithTheirRows() async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            let server = try await ServerProcess.start(
                ["--database-url", location.databaseURL, "--metrics-port", "0"],
                alsoPrinting: "Metrics for Prometheus at ")
            defer { Task { await server.stop() } }
            let (key, metricsURL) = try Self.keyAndMetricsURL(printedBy: server)
            let file = Data("sku,name,price\nM-1,Mug,4\nM-2,Bowl,6\nM-3,Plate,six\n".utf8)
            for path in ["/api/v1/products/import", "/api/v1/products/import?dryRun=true"] {
                let answer = try await server.request(.POST, path, key: key, body: file, contentType: "text/csv")
                #expect(answer.status == 207)
            }
            let refused = try await server.request(
                .POST, "/api/v1/leads/import", key: key, body: Data("colour\nred\n".utf8), contentType: "text/csv")
            #expect(refused.status == 400)
            let after = try await Self.scrape(metricsURL)
            let offerings = ["kind": "offerings", "origin": "api", "status": "completed"]
            #expect(after.value("leadlight_imports_total", offerings) == 2)
            #expect(after.value("leadlight_imports_total", ["kind": "leads", "status": "refused"]) == 1)
            // the dry run after the import finds its two rows unchanged
            #expect(after.value("leadlight_import_rows_total", ["kind": "offerings", "outcome": "created"]) == 2)
            #expect(after.value("leadlight_import_rows_total", ["kind": "offerings", "outcome": "unchanged"]) == 2)
            #expect(after.value("leadlight_import_rows_total", ["kind": "offerings", "outcome": "failed"]) == 2)
        }
    }

    /// The server's HubSpot syncs are imports too (`origin` `hubspot`).
    @Test func hubSpotSyncsAreCountedAsImports() async throws {
        try await HubSpotImportTests.withStandIn { standIn in
            standIn.set(HubSpotConnectionTests.products(12))
            try await TestDatabase.sqlite.withFreshLocation { location in
                let server = try await ServerProcess.start(
                    ["--database-url", location.databaseURL, "--metrics-port", "0"],
                    environment: [
                        "LEADLIGHT_HUBSPOT_BASE_URL": standIn.baseURL, "LEADLIGHT_HUBSPOT_SYNC_MINUTES": "0.02",
                    ],
                    alsoPrinting: "Metrics for Prometheus at ")
                defer { Task { await server.stop() } }
                let (_, metricsURL) = try Self.keyAndMetricsURL(printedBy: server)
                // the demo workspace connected beside the server, as its Settings page would
                try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                    let workspace = try #require(
                        try await database.sql.select().column("id").from("workspaces").first()?
                            .decode(column: "id", as: String.self))
                    var configuration = HubSpotConfiguration()
                    configuration.baseURL = standIn.baseURL
                    try await HubSpotConnectionOperations(
                        database: database, clock: .system, configuration: configuration, logger: TestDatabase.logger
                    ).connect(HubSpotStandIn.token, to: Workspace.ID(rawValue: workspace), by: "test")
                }
                let synced = ["kind": "offerings", "origin": "hubspot", "status": "completed"]
                var after = try await Self.scrape(metricsURL)
                let deadline = Date().addingTimeInterval(20)
                while after.value("leadlight_imports_total", synced) < 1 && Date() < deadline {
                    try await Task.sleep(for: .milliseconds(200))
                    after = try await Self.scrape(metricsURL)
                }
                #expect(after.value("leadlight_imports_total", synced) >= 1)
                #expect(after.value("leadlight_import_rows_total", ["kind": "offerings", "outcome": "created"]) == 12)
            }
        }
    }

    /// Every sample, as Prometheus's Python client parses the text.
    struct Samples {
        struct Sample: Decodable {
            var name: String
            var labels: [String: String]
            var value: Double
        }
        var samples: [Sample]

        /// The sum of the samples named `name` whose labels include `labels` (0 when there is none).
        func value(_ name: String, _ labels: [String: String]) -> Double {
            self.samples.filter { sample in
                sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
            }.reduce(0) { $0 + $1.value }
        }
    }

    private static let parser = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        print(json.dumps([{"name": s.name, "labels": s.labels, "value": s.value}
            for family in text_string_to_metric_families(sys.stdin.read()) for s in family.samples]))
        """

    /// The first run's API key and the metrics listener's address, as the server printed them.
    private static func keyAndMetricsURL(printedBy server: ServerProcess) throws -> (key: String, url: String) {
        let key = try #require(server.output.firstMatch(of: /alk_live_[0-9A-Za-z]+/).map { String($0.output) })
        let url = try #require(
            server.output.firstMatch(of: /Metrics for Prometheus at (http:\/\/127\.0\.0\.1:[0-9]+\/metrics)/)
                .map { String($0.output.1) })
        return (key, url)
    }

    private static func scrape(_ url: String) async throws -> Samples {
        let answer = try await Self.get(url)
        #expect(answer.status == 200)
        #expect(answer.contentType.hasPrefix("text/plain; version=0.0.4"))
        let json = try await ExternalTool.run("python3", ["-c", Self.parser], input: Data(answer.body.utf8))
        return Samples(samples: try JSONDecoder().decode([Samples.Sample].self, from: Data(json.utf8)))
    }

    private static func get(_ url: String) async throws -> (status: UInt, contentType: String, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        let body = String(buffer: try await response.body.collect(upTo: 16 << 20))
        return (response.status.code, response.headers.first(name: "Content-Type") ?? "", body)
    }
}

/// The metrics listener's settings.
struct MetricsConfigurationTests {
    @Test func theListenerIsOffUnlessAPortIsSetOnLoopbackUnlessAHostIsAndBadPortsAreNamed() throws {
        #expect(try LeadlightConfiguration(environment: [:]).metrics.port == nil)
        let onLoopback = try LeadlightConfiguration(environment: ["LEADLIGHT_METRICS_PORT": "9464"])
        #expect(onLoopback.metrics.port == 9464)
        #expect(onLoopback.metrics.host == "127.0.0.1")
        let everywhere = try LeadlightConfiguration(environment: [
            "LEADLIGHT_METRICS_PORT": "9464", "LEADLIGHT_METRICS_HOST": "0.0.0.0",
        ])
        #expect(everywhere.metrics.host == "0.0.0.0")
        for bad in ["70000", "-1", "prometheus"] {
            #expect {
                try LeadlightConfiguration(environment: ["LEADLIGHT_METRICS_PORT": bad])
            } throws: { error in
                (error as? LeadlightConfiguration.InvalidSetting)?.name == "LEADLIGHT_METRICS_PORT"
            }
        }
    }
}
