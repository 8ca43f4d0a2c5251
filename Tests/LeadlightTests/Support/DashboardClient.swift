import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A browser, as far as the dashboard's HTTP goes: it keeps the session cookie, reads the CSRF token off the
/// last page it loaded, and posts forms with it, the way the pages' own forms do.
struct DashboardClient {
    let client: any TestClientProtocol
    var cookie: String?
    var csrfToken: String?

    init(_ client: any TestClientProtocol) { self.client = client }

    /// Signs in with the owner's login; the answer is the sign-in's own (a 303 on success).
    @discardableResult
    mutating func signIn(_ email: String, _ password: String = "correct horse battery", next: String? = nil)
        async throws -> TestResponse
    {
        var form = ["email": email, "password": password]
        if let next { form["next"] = next }
        let response = try await self.post("/login", form, csrf: false)
        if response.status == .seeOther { _ = try await self.get("/") }
        return response
    }

    /// A GET with the session cookie; remembers the page's CSRF token when it carries one.
    mutating func get(_ path: String) async throws -> TestResponse {
        let response = try await self.client.execute(uri: path, method: .get, headers: self.headers())
        self.remember(response)
        if let token = Self.csrfToken(in: response.text) { self.csrfToken = token }
        return response
    }

    /// A form POST as the page sends it: urlencoded, with the session's CSRF token unless `csrf` is false.
    mutating func post(
        _ path: String, _ form: [String: String], csrf: Bool = true, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var form = form
        if csrf, form["_csrf"] == nil, let token = self.csrfToken { form["_csrf"] = token }
        return try await self.post(
            path, pairs: form.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, headers: extra)
    }

    /// A form POST with repeated names (checkboxes), in the order given.
    mutating func post(_ path: String, pairs: [(String, String)], headers extra: HTTPFields = [:]) async throws
        -> TestResponse
    {
        let body = pairs.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await self.send(
            path, body: ByteBuffer(string: body), contentType: "application/x-www-form-urlencoded", headers: extra)
    }

    /// A POST of `body` as `contentType`, with the session cookie.
    mutating func send(_ path: String, body: ByteBuffer, contentType: String, headers extra: HTTPFields = [:])
        async throws -> TestResponse
    {
        var headers = self.headers()
        headers[.contentType] = contentType
        for field in extra { headers[field.name] = field.value }
        let response = try await self.client.execute(uri: path, method: .post, headers: headers, body: body)
        self.remember(response)
        return response
    }

    private func headers() -> HTTPFields {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        return headers
    }

    private mutating func remember(_ response: TestResponse) {
        guard let setCookie = response.headers[.setCookie], let pair = setCookie.split(separator: ";").first
        else { return }
        let value = pair.split(separator: "=", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        self.cookie = value.isEmpty ? nil : String(pair)
    }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
