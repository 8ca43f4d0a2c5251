import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// HubSpot's CRM products API on 127.0.0.1, shaped as HubSpot documents it, for the connector's tests: `GET
/// /crm/v3/objects/products` pages of `limit` (at most 100) by the `after` cursor, `paging` absent on the last
/// page, every asked property present (null when unset), `archived=true` listing the archived ones; the search
/// endpoint by `hs_lastmodifieddate`; a private app's token checked (401 `INVALID_AUTHENTICATION`, 403
/// `MISSING_SCOPES`), rate-limit headers on every answer, and answers the test queues (a 429 of a policy, a 502)
/// served in place of the next requests.
final class HubSpotStandIn: Sendable {
    struct Product: Sendable {
        var id: String
        var properties: [String: String?]
        var archived = false
        var modifiedAt = Date(timeIntervalSince1970: 1_790_000_000)
    }

    /// A request as it arrived.
    struct Seen: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        var authorization: String?
        /// A search's `hs_lastmodifieddate` filter, in milliseconds since 1970.
        var since: String? = nil
    }

    /// An answer served in place of the next request.
    struct Canned: Sendable {
        var status: Int
        var body: String
        var headers: [String: String] = [:]

        static func rateLimited(_ policy: String, retryAfter: Int? = nil) -> Canned {
            Canned(
                status: 429,
                body:
                    #"{"status":"error","message":"You have reached your \#(policy.lowercased()) limit.","errorType":"RATE_LIMIT","correlationId":"5d3e0b3a-1111-4e1c-9a0b-000000000429","policyName":"\#(policy)","groupName":"publicapi:private-app"}"#,
                headers: retryAfter.map { ["Retry-After": String($0)] } ?? [:])
        }

        static let badGateway = Canned(status: 502, body: "<html><body>502 Bad Gateway</body></html>")
    }

    static let token = "pat-na1-11111111-2222-3333-4444-555555555555"

    private let state = Mutex<
        (products: [Product], canned: [Canned], cannedFrom: Int, seen: [Seen], missingScopes: Bool, searchLimit: Int)
    >(([], [], 0, [], false, 10_000))
    private let task: Mutex<Task<Void, any Error>?> = Mutex(nil)
    private let boundPort = Atomic<Int>(0)
    /// How long each answer takes, and when each request arrived and was answered.
    private let pace = Mutex<(delay: Duration, answered: [ClosedRange<Date>])>((.zero, []))

    var baseURL: String { "http://127.0.0.1:\(self.boundPort.load(ordering: .relaxed))" }
    var seen: [Seen] { self.state.withLock { $0.seen } }

    func set(_ products: [Product]) { self.state.withLock { $0.products = products } }
    /// Serves `canned` in place of the next requests, from the `fromRequest`th request on (counting every request
    /// this stand-in saw, from 1) when given.
    func queue(_ canned: Canned..., fromRequest: Int? = nil) {
        self.state.withLock { state in
            state.canned += canned
            state.cannedFrom = fromRequest ?? 0
        }
    }
    func missScopes(_ missing: Bool) { self.state.withLock { $0.missingScopes = missing } }
    /// How many results one search gives at most, however paged (HubSpot's: 10,000); past it, a 400.
    func limitSearches(to results: Int) { self.state.withLock { $0.searchLimit = results } }
    /// Every answer from now on takes `delay`.
    func answerAfter(_ delay: Duration) { self.pace.withLock { $0.delay = delay } }
    /// When each request arrived and was answered, in the order answered.
    var answered: [ClosedRange<Date>] { self.pace.withLock { $0.answered } }
    /// Changes the products `ids` as HubSpot would: new properties, modified at `at`.
    func change(_ ids: Set<String>, at: Date, _ edit: (inout Product) -> Void) {
        self.state.withLock { state in
            for index in state.products.indices where ids.contains(state.products[index].id) {
                edit(&state.products[index])
                state.products[index].modifiedAt = at
            }
        }
    }

    func start() async throws {
        let router = Router()
        router.get("crm/v3/objects/products") { request, _ in
            try await self.paced { self.answer(request, search: nil) }
        }
        router.post("crm/v3/objects/products/search") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let search = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
            return try await self.paced { self.answer(request, search: search) }
        }
        let (task, bound) = try await LoopbackServer.start(router, label: "hubspot-stand-in")
        self.task.withLock { $0 = task }
        self.boundPort.store(bound, ordering: .relaxed)
    }

    func stop() async {
        let task = self.task.withLock { task in
            defer { task = nil }
            return task
        }
        task?.cancel()
        _ = await task?.result
    }

    /// Answers after the delay set, noting when.
    private func paced(_ answer: () -> Response) async throws -> Response {
        let arrived = Date()
        let delay = self.pace.withLock { $0.delay }
        if delay > .zero { try await Task.sleep(for: delay) }
        let response = answer()
        self.pace.withLock { $0.answered.append(arrived...Date()) }
        return response
    }

    private func answer(_ request: Request, search: [String: Any]?) -> Response {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let authorization = request.headers[.authorization]
        let filter = ((search?["filterGroups"] as? [[String: Any]])?.first?["filters"] as? [[String: Any]])?.first
        let (canned, products, missingScopes, searchLimit) = self.state.withLock { state in
            state.seen.append(
                Seen(
                    method: request.method.rawValue, path: request.uri.path, query: query, authorization: authorization,
                    since: filter?["value"] as? String)
            )
            let serve = !state.canned.isEmpty && state.seen.count >= state.cannedFrom
            return (
                serve ? state.canned.removeFirst() : nil, state.products, state.missingScopes, state.searchLimit
            )
        }
        if let canned { return Self.response(canned.status, canned.body, canned.headers) }
        guard authorization == "Bearer \(Self.token)" else {
            return Self.response(
                401,
                #"{"status":"error","message":"Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview","correlationId":"a1b2c3d4-0000-4000-8000-000000000401","category":"INVALID_AUTHENTICATION"}"#
            )
        }
        if missingScopes {
            return Self.response(
                403,
                #"{"status":"error","message":"This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.","correlationId":"a1b2c3d4-0000-4000-8000-000000000403","errors":[{"message":"One or more of the following scopes are required.","context":{"requiredGranularScopes":["e-commerce"]}}],"category":"MISSING_SCOPES"}"#
            )
        }
        let asked: [String]
        let limit: Int
        let after: Int
        var chosen: [Product]
        if let search {
            asked = search["properties"] as? [String] ?? []
            limit = min(100, search["limit"] as? Int ?? 10)
            after = Int(search["after"] as? String ?? "0") ?? 0
            let since = (filter?["value"] as? String).flatMap(Double.init).map {
                Date(timeIntervalSince1970: $0 / 1000)
            }
            chosen = products.filter { product in !product.archived && (since.map { $0 <= product.modifiedAt } ?? true)
            }
            .sorted { ($0.modifiedAt, $0.id) < ($1.modifiedAt, $1.id) }
            if after + limit > searchLimit {
                return Self.response(
                    400,
                    #"{"status":"error","message":"There was a problem with the request.","correlationId":"a1b2c3d4-0000-4000-8000-000000000400","category":"VALIDATION_ERROR"}"#
                )
            }
        } else {
            asked = query["properties"]?.split(separator: ",").map(String.init) ?? []
            limit = min(100, Int(query["limit"] ?? "10") ?? 10)
            after = Int(query["after"] ?? "0") ?? 0
            let archived = query["archived"] == "true"
            chosen = products.filter { $0.archived == archived }
        }
        let page = Array(chosen.dropFirst(after).prefix(limit))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var results: [[String: Any]] = []
        for product in page {
            var properties: [String: Any] = [:]
            for name in asked { properties[name] = (product.properties[name] ?? nil) ?? NSNull() }
            properties["hs_object_id"] = product.id
            properties["hs_lastmodifieddate"] = formatter.string(from: product.modifiedAt)
            results.append([
                "id": product.id, "properties": properties, "createdAt": "2026-01-05T10:00:00.000Z",
                "updatedAt": formatter.string(from: product.modifiedAt), "archived": product.archived,
            ])
        }
        var body: [String: Any] = ["results": results]
        if search != nil { body["total"] = chosen.count }
        if after + limit < chosen.count {
            let next = String(after + limit)
            body["paging"] = ["next": ["after": next, "link": "\(self.baseURL)\(request.uri.path)?after=\(next)"]]
        }
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        return Self.response(
            200, String(decoding: data, as: UTF8.self),
            [
                "X-HubSpot-RateLimit-Max": "190", "X-HubSpot-RateLimit-Remaining": "180",
                "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            ])
    }

    private static func response(_ status: Int, _ body: String, _ headers: [String: String] = [:]) -> Response {
        var fields: HTTPFields = [.contentType: status == 502 ? "text/html" : "application/json;charset=utf-8"]
        for (name, value) in headers { if let name = HTTPField.Name(name) { fields[name] = value } }
        return Response(
            status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
