import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// HubSpot's CRM products API, read with a private app's token, behaving as HubSpot asks of a client: pages of 100
/// by cursor; a 429 waits `Retry-After` when sent, else backs off as HubSpot's own SDKs do (ten-secondly policy:
/// 10 s × the attempt; secondly: 1 s × the attempt), and the `DAILY` policy stops at once; requests are paced from
/// `X-HubSpot-RateLimit-Remaining` and `-Interval-Milliseconds`; 5xx answers and network errors are tried again
/// with backoff; 401 and 403 stop at once with HubSpot's message and category. The token is never logged.
package struct HubSpotClient: Sendable {
    /// `https://api.hubapi.com` unless `LEADLIGHT_HUBSPOT_BASE_URL` says otherwise (the tests' stand-in).
    let baseURL: String
    let token: String
    let logger: Logger
    /// How many times one request is tried before its failure stops the pull.
    var attempts = 6
    /// Waits between attempts, for the tests to shorten; `Retry-After` and the policies' backoff are scaled by it.
    var backoffUnit: Duration = .seconds(1)

    package static let defaultBaseURL = "https://api.hubapi.com"

    /// The product properties read.
    static let properties = [
        "name", "description", "price", "hs_sku", "hs_product_type", "recurringbillingfrequency",
        "hs_recurring_billing_period", "hs_lastmodifieddate", "hs_object_id",
    ]

    package init(baseURL: String = Self.defaultBaseURL, token: String, logger: Logger) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.logger = logger
    }

    /// Products a page asks for: HubSpot's most.
    static let pageSize = 100
    /// The most results one search gives, however it is paged (HubSpot's: 10,000; the tests lower it).
    var searchResultsLimit = 10_000

    /// One page of products as HubSpot lists them; `after` nil for the first. `archived` lists the archived ones.
    func products(after: String?, archived: Bool, limit: Int = Self.pageSize) async throws -> HubSpotPage {
        var query = [
            "limit=\(limit)", "archived=\(archived)", "properties=\(Self.properties.joined(separator: ","))",
        ]
        if let after { query.append("after=\(Self.percentEncoded(after))") }
        let body = try await self.send(.GET, "/crm/v3/objects/products?" + query.joined(separator: "&"), body: nil)
        return try HubSpotPage(json: body)
    }

    /// One page of the products changed since `since` (search, oldest change first).
    func productsChanged(since: Date, after: String?) async throws -> HubSpotPage {
        var search: [String: Any] = [
            "filterGroups": [
                [
                    "filters": [
                        [
                            "propertyName": "hs_lastmodifieddate", "operator": "GTE",
                            "value": String(Int64(since.timeIntervalSince1970 * 1000)),
                        ]
                    ]
                ]
            ],
            "sorts": [["propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"]],
            "properties": Self.properties, "limit": Self.pageSize,
        ]
        if let after { search["after"] = after }
        let body = try await self.send(
            .POST, "/crm/v3/objects/products/search", body: try JSONSerialization.data(withJSONObject: search))
        return try HubSpotPage(json: body)
    }

    /// Sends one request, trying again as HubSpot asks; the answer's body once it is a 2xx.
    func send(_ method: HTTPMethod, _ path: String, body: Data?) async throws -> ByteBuffer {
        var attempt = 0
        while true {
            attempt += 1
            var request = HTTPClientRequest(url: self.baseURL + path)
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer \(self.token)")
            request.headers.add(name: "Accept", value: "application/json")
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(data: body))
            }
            let response: HTTPClientResponse
            let answer: ByteBuffer
            do {
                response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                answer = try await response.body.collect(upTo: 16 << 20)
            } catch {
                guard attempt < self.attempts else { throw HubSpotError.unreachable(String(describing: error)) }
                self.logger.info("HubSpot could not be reached; trying again", metadata: ["attempt": "\(attempt)"])
                try await Task.sleep(for: self.backoffUnit * attempt)
                continue
            }
            let status = Int(response.status.code)
            switch status {
            case 200..<300:
                try await self.pace(response.headers)
                return answer
            case 401, 403:
                throw HubSpotError.refused(status: status, HubSpotErrorBody(answer))
            case 429:
                let error = HubSpotErrorBody(answer)
                if error.policyName == "DAILY" { throw HubSpotError.dailyLimit(error) }
                guard attempt < self.attempts else { throw HubSpotError.rateLimited(error) }
                let wait: Duration
                if let seconds = response.headers.first(name: "Retry-After").flatMap(Double.init), seconds >= 0 {
                    wait = self.backoffUnit * min(seconds, 300)
                } else if error.policyName == "SECONDLY" {
                    wait = self.backoffUnit * attempt
                } else {
                    wait = self.backoffUnit * (10 * attempt)  // TEN_SECONDLY_ROLLING, or none named
                }
                self.logger.info(
                    "HubSpot's rate limit was reached; waiting",
                    metadata: ["policy": "\(error.policyName ?? "none")", "attempt": "\(attempt)"])
                try await Task.sleep(for: wait)
            case 500..<600:
                guard attempt < self.attempts else {
                    throw HubSpotError.failed(status: status, HubSpotErrorBody(answer))
                }
                self.logger.info("HubSpot answered \(status); trying again", metadata: ["attempt": "\(attempt)"])
                try await Task.sleep(for: self.backoffUnit * attempt)
            default:
                throw HubSpotError.failed(status: status, HubSpotErrorBody(answer))
            }
        }
    }

    /// Waits out the rest of HubSpot's interval when its answer says no request of it is left.
    private func pace(_ headers: HTTPHeaders) async throws {
        guard let remaining = headers.first(name: "X-HubSpot-RateLimit-Remaining").flatMap(Int.init), remaining <= 1,
            let interval = headers.first(name: "X-HubSpot-RateLimit-Interval-Milliseconds").flatMap(Int.init),
            (1...60_000).contains(interval)
        else { return }
        try await Task.sleep(for: self.backoffUnit * (Double(interval) / 1000))
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? ""
    }
}

/// A page of products: each product's id, properties (strings or null) and whether it is archived, and the cursor
/// of the next page (absent on the last).
struct HubSpotPage: Sendable {
    var products: [HubSpotProduct]
    var next: String?

    init(products: [HubSpotProduct], next: String?) {
        self.products = products
        self.next = next
    }

    init(json body: ByteBuffer) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            let results = object["results"] as? [[String: Any]]
        else { throw HubSpotError.unreadable("a page of products without `results`") }
        self.products = try results.map(HubSpotProduct.init(json:))
        self.next = ((object["paging"] as? [String: Any])?["next"] as? [String: Any])?["after"] as? String
    }
}

/// One HubSpot product as read.
struct HubSpotProduct: Sendable, Equatable {
    var id: String
    var properties: [String: String]
    var archived: Bool

    init(id: String, properties: [String: String], archived: Bool) {
        self.id = id
        self.properties = properties
        self.archived = archived
    }

    init(json: [String: Any]) throws {
        guard let id = json["id"] as? String, !id.isEmpty else {
            throw HubSpotError.unreadable("a product without an `id`")
        }
        self.id = id
        var properties: [String: String] = [:]
        for (name, value) in json["properties"] as? [String: Any] ?? [:] {
            if let text = value as? String { properties[name] = text }  // null: not set
        }
        self.properties = properties
        self.archived = json["archived"] as? Bool ?? false
    }
}

/// HubSpot's error body: its message, category (`INVALID_AUTHENTICATION`, `MISSING_SCOPES`) and, for a 429, the
/// policy reached (`TEN_SECONDLY_ROLLING`, `SECONDLY`, `DAILY`).
package struct HubSpotErrorBody: Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package var category: String?
    package var policyName: String?
    package var correlationID: String?

    init(_ body: ByteBuffer) {
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
        self.message = (object["message"] as? String).map { String($0.prefix(500)) } ?? "no message"
        self.category = object["category"] as? String
        self.policyName = object["policyName"] as? String
        self.correlationID = object["correlationId"] as? String
    }

    package var description: String {
        var text = self.message
        if let category { text += " (\(category))" }
        if let correlationID { text += " [correlation id \(correlationID)]" }
        return text
    }
}

/// Why a pull from HubSpot stopped.
package enum HubSpotError: Error, Sendable, CustomStringConvertible {
    /// 401 or 403: the token is wrong, expired, or lacks a scope.
    case refused(status: Int, HubSpotErrorBody)
    /// The account's daily limit is reached: nothing more until tomorrow.
    case dailyLimit(HubSpotErrorBody)
    /// Still rate limited after every attempt.
    case rateLimited(HubSpotErrorBody)
    case failed(status: Int, HubSpotErrorBody)
    case unreachable(String)
    case unreadable(String)

    package var description: String {
        switch self {
        case .refused(let status, let body):
            if body.category == "MISSING_SCOPES" {
                return "HubSpot refused the token (\(status)): it lacks a scope the products need "
                    + "(give the private app crm.objects.products.read, or e-commerce): \(body)"
            }
            return "HubSpot refused the token (\(status)): \(body)"
        case .dailyLimit(let body):
            return "HubSpot's daily limit for this account is reached; try again tomorrow: \(body)"
        case .rateLimited(let body): return "HubSpot kept answering 429 (rate limited): \(body)"
        case .failed(let status, let body): return "HubSpot answered \(status): \(body)"
        case .unreachable(let reason): return "HubSpot could not be reached: \(reason)"
        case .unreadable(let what): return "HubSpot's answer could not be read: \(what)"
        }
    }
}
