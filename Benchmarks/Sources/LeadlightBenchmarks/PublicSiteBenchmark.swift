import AsyncHTTPClient
import Foundation
import Leadlight
import Logging
import NIOCore
import SQLKit

/// Issue 11's benchmark: the public site's pages and its contact form POST, measured with wrk against a release
/// `leadlight serve` on SQLite, beside `GET /api/v1/listings` in the same run; and an inbound email read and
/// stored (a Zillow lead notification made into a lead, its original kept), timed one by one in process.
struct PublicSiteBenchmark {
    let seconds: Int
    static let listings = 60
    static let emails = 1_000

    func run() async throws -> String {
        var text = """
            \(Self.listings) listings stored, SQLite, the API's rate limit and the forms' limits raised \
            (`LEADLIGHT_FORM_LIMIT_PER_ADDRESS`, `LEADLIGHT_FORM_LIMIT_PER_AGENT`), the time trap left at its 2 s; \
            wrk -t1 for \(self.seconds) s per line. The contact POST sends a real visitor's token and cookie: \
            every request stores a lead, its consent and its `lead.created` (the count is checked after).

            | path | requests/s, 8 connections | median ms, 1 connection | vs. the API's (list or create) |
            |---|---:|---:|---:|

            """
        try await LeadsBenchmark.withFreshDatabase(adminURL: nil) { url in
            let key = try LeadsBenchmark.createWorkspace(url)
            let server = try BenchServer.start(environment: [
                "LEADLIGHT_DATABASE_URL": url, "LEADLIGHT_RATE_LIMIT": "10000000", "LEADLIGHT_LOG_LEVEL": "error",
                "LEADLIGHT_FORM_LIMIT_PER_ADDRESS": "10000000", "LEADLIGHT_FORM_LIMIT_PER_AGENT": "10000000",
                "LEADLIGHT_WEBHOOKS_WORKER": "0",
            ])
            defer { server.stop() }
            let base = "http://127.0.0.1:\(server.port)"
            let http = HTTPClient(
                eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            defer { _ = http.shutdown() }
            let listing = try await Self.seedListings(base, key: key, http: http)
            let visitor = try await Self.visitor(base, http: http)
            try await Task.sleep(for: .seconds(2.2))  // as long as a person takes to fill the form in

            let api = "/api/v1/listings?limit=20"
            let auth = ["Authorization: Bearer \(key)"]
            // each page beside the API's list, the contact POST beside the API's lead create
            let lines: [(path: String, name: String, headers: [String], kind: Line)] = [
                (api, "API: GET \(api)", auth, .readBaseline),
                ("/a/bench", "the agent's page (3 newest listings, contact form)", [], .read),
                ("/a/bench/listings", "listings (12 a page, filters)", [], .read),
                ("/a/bench/listings/\(listing)", "a listing with its showing form", [], .read),
                ("/api/v1/leads", "API: POST /api/v1/leads (a lead and its event)", auth, .writeBaseline),
                (
                    "/a/bench/contact", "POST the contact form (a lead, its consent and its event)",
                    ["Cookie: \(visitor.cookie)"], .contact
                ),
            ]
            var (readBaseline, writeBaseline) = (0.0, 0.0)
            var contactRequests = 0.0
            for line in lines {
                FileHandle.standardError.write(Data("public site benchmark: \(line.path)\n".utf8))
                let script = line.kind == .contact ? try Self.contactScript(token: visitor.token) : nil
                defer { if let script { try? FileManager.default.removeItem(at: script) } }
                let post = line.kind == .writeBaseline
                let busy = try LeadsBenchmark.wrk(
                    base + line.path, headers: line.headers, seconds: self.seconds, connections: 8, post: post,
                    script: script)
                let alone = try LeadsBenchmark.wrk(
                    base + line.path, headers: line.headers, seconds: self.seconds, connections: 1, post: post,
                    script: script)
                switch line.kind {
                case .readBaseline: readBaseline = busy.rate
                case .writeBaseline: writeBaseline = busy.rate
                case .contact: contactRequests = (busy.rate + alone.rate) * Double(self.seconds)
                case .read: break
                }
                let baseline = line.kind == .read || line.kind == .readBaseline ? readBaseline : writeBaseline
                text +=
                    "| \(line.name) | \(Int(busy.rate)) | \(String(format: "%.2f", alone.medianMilliseconds)) | "
                    + "\(String(format: "%.2f", busy.rate / baseline))× |\n"
            }
            let stored = try await Self.count("SELECT COUNT(*) AS n FROM leads WHERE source = 'website'", url)
            text +=
                "\nLeads stored by the contact POSTs: \(stored), for about \(Int(contactRequests)) requests wrk "
                + "answered (its rate × the seconds): each POST stored its lead.\n"
        }
        text += try await Self.emailImport()
        return text
    }

    /// A line of the report: a page read beside the API's list, or a write beside the API's create.
    enum Line {
        case readBaseline, read, writeBaseline, contact
    }

    /// Listings made through the API, as an agent's sync would; the id of one.
    static func seedListings(_ base: String, key: String, http: HTTPClient) async throws -> String {
        var id = ""
        for index in 0..<Self.listings {
            var request = HTTPClientRequest(url: "\(base)/api/v1/listings")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(
                ByteBuffer(
                    string:
                        #"{"address": "\#(index + 1) Harbour Rd, Portsmouth", "price": \#(300_000 + index * 5_000), "#
                        + #""bedrooms": \#(1 + index % 5), "bathrooms": 2, "sqft": 1450}"#))
            let response = try await http.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            guard response.status.code == 201,
                let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
                let listingID = object["listingId"] as? String ?? (object["listing"] as? [String: Any])?["id"]
                    as? String
            else { throw BenchError("listing create failed: \(response.status)") }
            id = listingID
        }
        return id
    }

    /// A visitor's form token and nonce cookie, read off the agent's page as a browser would.
    static func visitor(_ base: String, http: HTTPClient) async throws -> (token: String, cookie: String) {
        let response = try await http.execute(HTTPClientRequest(url: "\(base)/a/bench"), timeout: .seconds(30))
        let page = String(buffer: try await response.body.collect(upTo: 1 << 22))
        guard let cookie = response.headers["Set-Cookie"].first?.split(separator: ";").first,
            let match = page.firstMatch(of: /name="_token" value="([^"]+)"/)
        else { throw BenchError("no form token on the agent's page") }
        return (String(match.output.1), String(cookie))
    }

    static func contactScript(token: String) throws -> URL {
        func encoded(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
        }
        let body =
            "_token=\(encoded(token))&website=&name=Bench+Visitor&email=visitor%40example.com&phone=555-0100"
            + "&consent=1&message=Is+the+harbour+house+still+for+sale%3F"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("wrk-contact-\(UUID()).lua")
        try """
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
        wrk.body = "\(body)"
        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static func count(_ sql: String, _ url: String) async throws -> Int {
        try await LeadlightDatabase.withOpen(DatabaseLocation(url), logger: Logger(label: "bench")) { database in
            try await database.sql.raw(SQLQueryString(sql)).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// Reads and stores `emails` Zillow lead emails, each with its own Message-ID, one at a time, in process:
    /// the body parsed as `POST /inbound/email/{token}` parses it, then the lead, its event and the original
    /// written in one transaction.
    static func emailImport() async throws -> String {
        var durations: [Double] = []
        var parseOnly: [Double] = []
        try await LeadsBenchmark.withFreshDatabase(adminURL: nil) { url in
            _ = try LeadsBenchmark.createWorkspace(url)
            try await LeadlightDatabase.withOpen(DatabaseLocation(url), logger: Logger(label: "bench")) { database in
                let workspace = try await WorkspaceStore(database: database.sql).find(
                    agentID: AgentID(rawValue: "bench")!)!
                let imports = EmailImportOperations(database: database, clock: .system)
                for index in 0..<Self.emails {
                    let raw = Array(Self.zillowEmail(index).utf8)
                    let start = ContinuousClock.now
                    let email = try InboundEmail(body: raw, contentType: "message/rfc822")
                    let parsed = ContinuousClock.now
                    guard case .created = try await imports.receive(email, in: workspace.id) else {
                        throw BenchError("email \(index) made no lead")
                    }
                    let end = ContinuousClock.now
                    durations.append(Self.milliseconds(end - start))
                    parseOnly.append(Self.milliseconds(parsed - start))
                }
            }
        }
        durations.sort()
        parseOnly.sort()
        func at(_ values: [Double], _ fraction: Double) -> String {
            String(format: "%.2f", values[min(values.count - 1, Int(Double(values.count) * fraction))])
        }
        return """

            Email import, in process on SQLite: \(Self.emails) Zillow lead emails (multipart/alternative, \
            quoted-printable, \(Self.zillowEmail(0).utf8.count) bytes), each with its own Message-ID.

            | step | median ms | 95th percentile ms |
            |---|---:|---:|
            | read the message (MIME, encodings, the lead's fields) | \(at(parseOnly, 0.5)) | \(at(parseOnly, 0.95)) |
            | read and store (lead, `lead.created`, the original, in one transaction) | \(at(durations, 0.5)) | \(at(durations, 0.95)) |

            """
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// A Zillow lead notification, shaped as the tests' fixture is.
    static func zillowEmail(_ index: Int) -> String {
        """
        Return-Path: <bounce-82736@mail.zillow.com>\r
        From: Zillow <no-reply@mail.zillow.com>\r
        Reply-To: =?UTF-8?Q?Maria_Gonz=C3=A1lez?= <maria.gonzalez\(index)@example.net>\r
        To: leads+demo@agent-inbox.example.org\r
        Subject: New Contact: 1842 Larkspur Lane, Austin, TX 78704\r
        Date: Tue, 1 Dec 2026 14:02:09 +0000\r
        Message-ID: <20261201140209.\(index)@mail.zillow.com>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/alternative; boundary="==zillow_boundary_8c1f=="\r
        \r
        --==zillow_boundary_8c1f==\r
        Content-Type: text/plain; charset="utf-8"\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        New Contact\r
        Maria Gonz=C3=A1lez is interested in 1842 Larkspur Lane, Austin, TX 78704.\r
        \r
        Name: Maria Gonz=C3=A1lez\r
        Email: maria.gonzalez\(index)@example.net\r
        Phone: (512) 555-0148\r
        Property: 1842 Larkspur Lane, Austin, TX 78704\r
        Message: Hi, I'd like to see this home this weekend. Is Saturday morning poss=\r
        ible?\r
        \r
        View listing: https://www.zillow.com/homedetails/1842-Larkspur-Ln-Austin-TX=\r
        -78704/29384756_zpid/\r
        \r
        --==zillow_boundary_8c1f==\r
        Content-Type: text/html; charset="utf-8"\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        <html><body><table><tr><td>Name</td><td>Maria Gonz=C3=A1lez</td></tr>\r
        <tr><td>Phone</td><td>(512) 555-0148</td></tr></table></body></html>\r
        --==zillow_boundary_8c1f==--\r

        """
    }
}
