import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SQLKit
import Testing

@testable import Leadlight

/// Three `leadlight serve` processes on one PostgreSQL behind Debian's nginx (issue 14), as docs/DEPLOY.md sets
/// them up. Under a mixed load one is killed with SIGKILL and later started again: every request the client saw
/// succeed is stored exactly once, retried ones too; every event reaches the webhook receiver, twice only when it
/// was in flight at the kill; the rate limit is one count across the three; a dashboard session outlives the
/// process that made it.
@Suite(.takingTurns) struct ScaleOutTests {
    /// Per key and minute. The load's workers each use their own key and stay well under it.
    static let rateLimit = 1000

    @Test(.enabled(if: TestDatabase.postgresURL != nil && Nginx.available))
    func threeServersBehindNginxLoseNothingWhenOneIsKilled() async throws {
        try await TestDatabase.postgres.withFreshLocation { location in
            let receiver = WebhookReceiver()
            try await receiver.start()
            let ports = try (0..<3).map { _ in try LoopbackAddress.freePort() }
            let cluster = try await Cluster.start(location: location, ports: ports)
            let http = HTTPClient(
                eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            do {
                try await Self.check(cluster, receiver: receiver, location: location, http: http)
            } catch {
                try? await http.shutdown()
                await cluster.stop()
                await receiver.stop()
                throw error
            }
            try await http.shutdown()
            await cluster.stop()
            await receiver.stop()
        }
    }

    private static func check(
        _ cluster: Cluster, receiver: WebhookReceiver, location: DatabaseLocation, http: HTTPClient
    ) async throws {
        let api = cluster.api
        let demoKey = cluster.demoKey
        var keys: [String] = []
        for worker in 0..<6 {
            let created = try await api.send(.POST, "/api/v1/api-keys", key: demoKey, json: ["name": "Load \(worker)"])
            try #require(created.status == 201, "\(created.body)")
            keys.append(try #require(created.json["apiKey"] as? String))
        }
        let registered = try await api.send(
            .POST, "/api/v1/webhooks", key: demoKey, json: ["url": receiver.url, "events": ["*"]])
        try #require(registered.status == 201, "\(registered.body)")
        let eventsBefore = try await Self.eventIDs(in: location)

        // a dashboard session made by the server that will be killed
        let browser = try await DashboardBrowser.signIn(
            at: cluster.servers.value[1].baseURL, email: cluster.ownerEmail, password: cluster.ownerPassword,
            http: http)
        #expect(try await browser.get("\(cluster.nginx.baseURL)/leads").status == 200)

        let load = Load(api: api, keys: keys)
        let running = Task { await load.run() }
        try await Task.sleep(for: .seconds(6))
        // six 1,000-row upserts at once, two on each server, so some are in flight on the one killed
        let doomed = BalancedAPI(baseURL: cluster.servers.value[1].baseURL)
        let burst = Task { await load.pushOfferings(batches: 6, rows: 1000, key: keys[0], firstTo: doomed) }
        try await Task.sleep(for: .milliseconds(150))
        await cluster.servers.value[1].kill9()
        let killedAt = Date()
        await burst.value

        // while it is down: its session is served by the other two, forms and all
        let survivors = Set([0, 2].map { "127.0.0.1:\(cluster.ports[$0])" })
        var servedBy: Set<String> = []
        for _ in 0..<40 where servedBy != survivors {
            let page = try await browser.get("\(cluster.nginx.baseURL)/leads")
            #expect(page.status == 200, "the session outlives its server: \(page.status)")
            servedBy.insert(page.upstream)
        }
        #expect(servedBy == survivors, "both remaining servers took the session")
        let lead = try await browser.submitNewLead(at: cluster.nginx.baseURL, name: "Met at the open house")
        #expect(lead.status == 303 && lead.location?.hasPrefix("/leads/") == true, "\(lead.status) \(lead.body)")

        try await Task.sleep(for: .seconds(4))
        try await cluster.restart(1)
        try await Task.sleep(for: .seconds(6))
        await load.stop()
        await running.value

        let results = load.results.value
        print(
            "ScaleOutTests: \(results.created.count) leads, \(results.statuses.count) status changes, "
                + "\(results.skus.count) offerings, \(results.retried) retries")
        #expect(results.unexpected.isEmpty, "\(results.unexpected.prefix(10))")
        #expect(results.created.count > 100, "a real load: \(results.created.count) leads created")
        #expect(results.retried > 0, "some requests met the kill and were retried")
        #expect(Set(results.upstreams).count == 3, "all three servers took load: \(Set(results.upstreams))")
        try await Self.checkStored(results, dashboardLead: "Met at the open house", in: location)

        try await Self.checkRateLimit(api: api, demoKey: demoKey)
        try await Self.checkSignInLimitPerVisitor(through: cluster.nginx, http: http)

        // every event recorded since the webhook was registered arrives; a second time only if in flight at the kill
        let expected = try await Self.eventIDs(in: location).subtracting(eventsBefore)
        let deadline = ContinuousClock.now + .seconds(90)
        while !expected.isSubset(of: Set(receiver.arrivals.map(\.eventID))), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .milliseconds(500))  // anything still coming
        let arrivals = receiver.arrivals
        let missing = expected.subtracting(arrivals.map(\.eventID))
        #expect(missing.isEmpty, "\(missing.count) of \(expected.count) events never arrived")
        let byEvent = Dictionary(grouping: arrivals, by: \.eventID)
        print(
            "ScaleOutTests: \(expected.count) events, \(arrivals.count) deliveries, "
                + "\(byEvent.values.filter { $0.count > 1 }.count) twice")
        for (event, times) in byEvent where times.count > 1 {
            let sorted = times.map(\.arrivedAt).sorted()
            #expect(
                times.count == 2 && sorted[0] <= killedAt && sorted[1] > killedAt,
                "event \(event) arrived \(times.count) times, at \(sorted), the kill at \(killedAt)")
        }
    }

    /// Each acknowledged create is one lead, with one `lead.created`; the last acknowledged status is the stored
    /// one; each acknowledged offering is one row.
    private static func checkStored(_ results: Load.Results, dashboardLead: String, in location: DatabaseLocation)
        async throws
    {
        try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
            let leads = try await database.sql.raw("SELECT id, name, email, status FROM leads").all().map {
                (
                    id: try $0.decode(column: "id", as: String.self),
                    name: try $0.decode(column: "name", as: String.self),
                    email: try $0.decodeIfPresent(column: "email", as: String.self),
                    status: try $0.decode(column: "status", as: String.self)
                )
            }
            let byEmail = Dictionary(grouping: leads.filter { $0.email != nil }, by: { $0.email! })
            for (email, id) in results.created {
                #expect(
                    byEmail[email]?.map(\.id) == [id],
                    "\(email): acknowledged as \(id), stored as \(byEmail[email] ?? [])")
            }
            #expect(leads.count == results.created.count + 1, "the load's leads and the dashboard's, nothing else")
            #expect(leads.filter { $0.name == dashboardLead }.count == 1)
            let statuses = Dictionary(uniqueKeysWithValues: leads.map { ($0.id, $0.status) })
            for (id, status) in results.statuses {
                #expect(
                    statuses[id] == status, "lead \(id): last acknowledged \(status), stored \(statuses[id] ?? "-")")
            }
            // each lead is the subject of exactly one lead.created
            let created = try await database.sql.raw(
                """
                SELECT s.subject_id AS lead FROM events e JOIN event_subjects s ON s.event_id = e.id
                WHERE e.type = 'lead.created'
                """
            ).all().map { try $0.decode(column: "lead", as: String.self) }
            #expect(created.count == leads.count && Set(created) == Set(leads.map(\.id)), "one lead.created per lead")
            let skus = try await database.sql.raw("SELECT sku FROM offerings WHERE sku LIKE 'w%'").all().map {
                try $0.decode(column: "sku", as: String.self)
            }
            #expect(
                skus.count == Set(skus).count && Set(skus) == results.skus,
                "\(skus.count) rows, \(results.skus.count) sent")
        }
    }

    /// One key asks 30% more than its limit through nginx, spread over the three servers: in its window exactly
    /// the limit is let through (within 1%), the rest answered 429.
    private static func checkRateLimit(api: BalancedAPI, demoKey: String) async throws {
        let created = try await api.send(.POST, "/api/v1/api-keys", key: demoKey, json: ["name": "Rate limit"])
        let key = try #require(created.json["apiKey"] as? String)
        // start at the beginning of a window, so the burst fits in it
        let first = try await api.send(.GET, "/api/v1/me", key: key)
        let reset = try #require(first.headers["X-RateLimit-Reset"].first.flatMap { TimeInterval($0) })
        if reset - Date().timeIntervalSince1970 < 30 {
            try await Task.sleep(for: .seconds(reset - Date().timeIntervalSince1970 + 0.5))
        }
        let answers = Shared<[(status: UInt, window: String, upstream: String)]>([])
        let sent = Self.rateLimit * 13 / 10
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    for _ in stride(from: worker, to: sent, by: 16) {
                        guard let answer = try? await api.send(.GET, "/api/v1/me", key: key) else { continue }
                        let window = answer.headers["X-RateLimit-Reset"].first ?? "?"
                        answers.withLock { $0.append((answer.status, window, answer.upstream)) }
                    }
                }
            }
        }
        let all = answers.value
        #expect(all.count == sent && all.allSatisfy { [200, 429].contains($0.status) }, "\(Set(all.map(\.status)))")
        #expect(Set(all.map(\.window)).count == 1, "the burst stayed in one window")
        let allowed = all.filter { $0.status == 200 }.count
        let limit = Double(Self.rateLimit)
        #expect(Double(allowed) >= limit * 0.99 && Double(allowed) <= limit * 1.01, "\(allowed) let through")
        for (upstream, answered) in Dictionary(grouping: all, by: \.upstream) {
            #expect(answered.count > sent / 6, "\(upstream) answered \(answered.count) of \(sent)")
        }
    }

    /// Sign-in attempts are limited per visitor's address (20 a minute): behind nginx, a trusted proxy, that is
    /// the address it forwards, so one visitor's failures do not lock out the next one.
    private static func checkSignInLimitPerVisitor(through nginx: Nginx, http: HTTPClient) async throws {
        func attempt(_ number: Int, from visitor: String) async throws -> UInt {
            var request = HTTPClientRequest(url: "\(nginx.baseURL)/login")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.headers.add(name: "X-Forwarded-For", value: visitor)
            request.body = .bytes(ByteBuffer(string: "email=nobody-\(number)%40example.com&password=guess"))
            let response = try await http.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            return response.status.code
        }
        for number in 0..<SignInController.attemptsPerAddress {
            #expect(try await attempt(number, from: "203.0.113.7") == 401)
        }
        #expect(try await attempt(100, from: "203.0.113.7") == 429, "the visitor's own limit, across the three")
        #expect(try await attempt(101, from: "198.51.100.4") == 401, "another visitor is not limited by it")
    }

    private static func eventIDs(in location: DatabaseLocation) async throws -> Set<String> {
        try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
            Set(
                try await database.sql.raw("SELECT id FROM events").all().map {
                    try $0.decode(column: "id", as: String.self)
                })
        }
    }
}

/// The three servers and nginx in front of them.
private struct Cluster: Sendable {
    let servers: Shared<[ServerProcess]>
    let ports: [Int]
    let environment: [String: String]
    let nginx: Nginx
    let demoKey: String
    let ownerEmail: String
    let ownerPassword: String

    var api: BalancedAPI { BalancedAPI(baseURL: self.nginx.baseURL) }

    static func start(location: DatabaseLocation, ports: [Int]) async throws -> Cluster {
        // a 10 s claim lease: longer than any delivery takes on a busy machine (so only the kill makes a
        // duplicate), short enough that the others soon take over what the killed one held
        let environment = [
            "LEADLIGHT_DATABASE_URL": location.databaseURL, "LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE": "1",
            "LEADLIGHT_WEBHOOKS_POLL_INTERVAL": "0.05", "LEADLIGHT_WEBHOOKS_CLAIM_LEASE": "10",
            "LEADLIGHT_RATE_LIMIT": String(ScaleOutTests.rateLimit), "LEADLIGHT_TRUSTED_PROXIES": "127.0.0.1",
            "LEADLIGHT_BCRYPT_COST": "4",
        ]
        // started together: one migrates (the others wait on its lock) and one makes the demo workspace
        let servers = Shared<[ServerProcess?]>(Array(repeating: nil, count: ports.count))
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, port) in ports.enumerated() {
                    group.addTask {
                        let server = try await ServerProcess.start(environment: environment, port: port)
                        servers.withLock { $0[index] = server }
                    }
                }
                try await group.waitForAll()
            }
            let started = servers.value.compactMap { $0 }
            let banners = started.filter { $0.output.contains("First run") }
            try #require(banners.count == 1, "one of them made the demo workspace")
            func banner(_ label: String) throws -> String {
                let line = try #require(banners[0].output.split(separator: "\n").first { $0.contains("│ \(label)") })
                return String(line.split(separator: " ").last ?? "")
            }
            let nginx = try await Nginx.start(upstreams: ports)
            return Cluster(
                servers: Shared(started), ports: ports, environment: environment, nginx: nginx,
                demoKey: try banner("API key"), ownerEmail: try banner("Login"), ownerPassword: try banner("Password"))
        } catch {
            for server in servers.value.compactMap({ $0 }) { await server.stop() }
            throw error
        }
    }

    /// Starts server `index` again, on its port.
    func restart(_ index: Int) async throws {
        let server = try await ServerProcess.start(environment: self.environment, port: self.ports[index])
        self.servers.withLock { $0[index] = server }
    }

    func stop() async {
        await self.nginx.stop()
        for server in self.servers.value { await server.stop() }
    }
}

/// The API through nginx; each answer says which server gave it (nginx's `X-Upstream`, test configuration only).
struct BalancedAPI: Sendable {
    let baseURL: String

    struct Answer: Sendable {
        var status: UInt
        var body: String
        var headers: HTTPHeaders
        /// The server that answered: the last nginx tried (it lists each it tried, `a, b`).
        var upstream: String {
            self.headers["X-Upstream"].first?.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
                ?? ""
        }
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(self.body.utf8))) as? [String: Any] ?? [:]
        }
    }

    func send(
        _ method: HTTPMethod, _ path: String, key: String, json: Any? = nil, idempotencyKey: String? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: "\(self.baseURL)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = String(buffer: try await response.body.collect(upTo: 16 << 20))
        return Answer(status: response.status.code, body: body, headers: response.headers)
    }
}

/// Workers that create leads (each with an Idempotency-Key, some sent twice on purpose), change their statuses,
/// list them and push offerings in bulk, each with its own key and at most one request per 80 ms. A request that
/// meets the kill (nginx's 502, a 503) is sent again as it was until it is acknowledged.
private final class Load: Sendable {
    struct Results: Sendable {
        /// email → the lead id its create was acknowledged with
        var created: [String: String] = [:]
        /// lead id → the last status a change to it was acknowledged with
        var statuses: [String: String] = [:]
        var skus: Set<String> = []
        var retried = 0
        var upstreams: [String] = []
        var unexpected: [String] = []
    }

    let api: BalancedAPI
    let keys: [String]
    let results = Shared(Results())
    private let running = Shared(true)

    init(api: BalancedAPI, keys: [String]) {
        self.api = api
        self.keys = keys
    }

    func stop() async { self.running.withLock { $0 = false } }

    func run() async {
        await withTaskGroup(of: Void.self) { group in
            for (worker, key) in self.keys.enumerated() {
                group.addTask { await self.work(worker, key: key) }
            }
        }
    }

    private func work(_ worker: Int, key: String) async {
        var number = 0
        var mine: [String] = []
        let statuses = ["contacted", "qualified", "lost", "new"]
        while self.running.value {
            number += 1
            let next = ContinuousClock.now + .milliseconds(80)
            switch number % 4 {
            case 0, 1:
                let email = "w\(worker)-\(number)@example.com"
                let body = ["name": "Worker \(worker) lead \(number)", "email": email]
                let times = number % 8 == 1 ? 2 : 1  // every fourth create is sent again after its success
                for _ in 0..<times {
                    guard
                        let answer = await self.acknowledged(
                            .POST, "/api/v1/leads", key: key, json: body, idempotencyKey: "create-\(email)")
                    else { break }
                    guard [200, 201].contains(answer.status), let id = answer.json["leadId"] as? String else {
                        self.unexpected("create \(email): \(answer.status) \(answer.body)")
                        break
                    }
                    let earlier = self.results.withLock { results in
                        defer { results.created[email] = id }
                        return results.created[email]
                    }
                    if let earlier, earlier != id { self.unexpected("create \(email) answered \(earlier), then \(id)") }
                    if earlier == nil { mine.append(id) }
                }
            case 2:
                if let id = mine.randomElement() {
                    let status = statuses[number / 4 % statuses.count]
                    if let answer = await self.acknowledged(
                        .PATCH, "/api/v1/leads/\(id)", key: key, json: ["status": status])
                    {
                        if answer.status == 200 {
                            self.results.withLock { $0.statuses[id] = status }
                        } else {
                            self.unexpected("status of \(id): \(answer.status) \(answer.body)")
                        }
                    }
                }
                if let answer = await self.acknowledged(.GET, "/api/v1/leads?limit=20", key: key),
                    answer.status != 200
                {
                    self.unexpected("list: \(answer.status) \(answer.body)")
                }
            default:
                await self.push((0..<20).map { "w\(worker)-b\(number)-\($0)" }, key: key)
            }
            try? await Task.sleep(until: next)
        }
    }

    /// `batches` upserts of `rows` new offerings each, all at once, sent first to `firstTo` (the server about to
    /// be killed, so they are surely in flight there), then again through nginx until acknowledged.
    func pushOfferings(batches: Int, rows: Int, key: String, firstTo: BalancedAPI) async {
        await withTaskGroup(of: Void.self) { group in
            for batch in 0..<batches {
                group.addTask {
                    await self.push((0..<rows).map { "w-burst\(batch)-\($0)" }, key: key, firstTo: firstTo)
                }
            }
        }
    }

    private func push(_ skus: [String], key: String, firstTo: BalancedAPI? = nil) async {
        let rows = skus.map { ["sku": $0, "name": "Offering \($0)", "price": "19.90", "stockQty": 3] }
        guard
            let answer = await self.acknowledged(
                .POST, "/api/v1/products", key: key, json: ["products": rows], firstTo: firstTo)
        else { return }
        if [200, 207].contains(answer.status), !answer.body.contains(#""status":"failed""#) {
            self.results.withLock { $0.skus.formUnion(skus) }
        } else {
            self.unexpected("bulk: \(answer.status) \(answer.body.prefix(300))")
        }
    }

    /// The request, sent again while the answer is nginx's 502 or 504 or our 503 (or no answer at all), for up
    /// to a minute; nil (and an unexpected result) if it never gets through.
    private func acknowledged(
        _ method: HTTPMethod, _ path: String, key: String, json: Any? = nil, idempotencyKey: String? = nil,
        firstTo: BalancedAPI? = nil
    ) async -> BalancedAPI.Answer? {
        let deadline = ContinuousClock.now + .seconds(60)
        var target = firstTo ?? self.api
        while ContinuousClock.now < deadline {
            defer { target = self.api }
            if let answer = try? await target.send(
                method, path, key: key, json: json, idempotencyKey: idempotencyKey),
                ![502, 503, 504].contains(answer.status)
            {
                // (a burst request the doomed server answered directly names no upstream)
                if !answer.upstream.isEmpty { self.results.withLock { $0.upstreams.append(answer.upstream) } }
                return answer
            }
            self.results.withLock { $0.retried += 1 }
            try? await Task.sleep(for: .milliseconds(100))
        }
        self.unexpected("\(method) \(path) never got through")
        return nil
    }

    private func unexpected(_ what: String) {
        self.results.withLock { $0.unexpected.append(what) }
    }
}

/// A browser signed in to the dashboard, over real HTTP to any of the servers: its session cookie and the
/// CSRF token of the last page it loaded.
private struct DashboardBrowser: Sendable {
    let cookie: String
    let http: HTTPClient
    private let csrf = Shared<String?>(nil)

    static func signIn(at baseURL: String, email: String, password: String, http: HTTPClient) async throws
        -> DashboardBrowser
    {
        let signedIn = try await LiveHTTP.send(
            .POST, "\(baseURL)/login", form: [("email", email), ("password", password)], http: http)
        #expect(signedIn.status == 303)
        return DashboardBrowser(cookie: try #require(signedIn.cookie), http: http)
    }

    func get(_ url: String) async throws -> LiveHTTP.Answer {
        let page = try await LiveHTTP.send(.GET, url, cookie: self.cookie, http: self.http)
        if let token = DashboardClient.csrfToken(in: page.body) { self.csrf.withLock { $0 = token } }
        return page
    }

    /// Opens the new-lead form and sends it, with the page's CSRF token and `Origin`, as the browser would.
    func submitNewLead(at baseURL: String, name: String) async throws -> LiveHTTP.Answer {
        _ = try await self.get("\(baseURL)/leads/new")
        let token = try #require(self.csrf.value)
        return try await LiveHTTP.send(
            .POST, "\(baseURL)/leads", form: [("name", name), ("_csrf", token)], cookie: self.cookie, origin: baseURL,
            http: self.http)
    }
}

extension LiveHTTP.Answer {
    /// Which server behind nginx answered (`X-Upstream`, added by the test's nginx configuration): the last it
    /// tried.
    var upstream: String {
        self.headers["X-Upstream"].first?.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
            ?? ""
    }
}
