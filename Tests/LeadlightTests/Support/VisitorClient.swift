import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A visitor's browser on the public site, as far as HTTP goes: it keeps the cookies it is given (the form's
/// nonce), reads the form token off the last page, and posts forms the way the site's own forms do — the
/// honeypot sent empty unless a test fills it, as a bot would.
struct VisitorClient {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var formToken: String?
    /// Sent as `X-Forwarded-For`-free loopback; tests of the per-address limit count every request from here.
    var origin: String?

    init(_ client: any TestClientProtocol) { self.client = client }

    mutating func get(_ path: String) async throws -> TestResponse {
        let response = try await self.client.execute(uri: path, method: .get, headers: self.headers())
        self.remember(response)
        if let token = Self.field("_token", in: response.text) { self.formToken = token }
        return response
    }

    /// Posts `form` with the last page's token (unless it names its own `_token`) and an empty honeypot.
    mutating func post(_ path: String, _ form: [String: String], headers extra: HTTPFields = [:]) async throws
        -> TestResponse
    {
        var form = form
        if form["_token"] == nil, let token = self.formToken { form["_token"] = token }
        if form["website"] == nil { form["website"] = "" }
        var headers = self.headers()
        headers[.contentType] = "application/x-www-form-urlencoded"
        for field in extra { headers[field.name] = field.value }
        let body = form.sorted { $0.key < $1.key }
            .map { "\(DashboardClient.encode($0.key))=\(DashboardClient.encode($0.value))" }
            .joined(separator: "&")
        let response = try await self.client.execute(
            uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
        self.remember(response)
        return response
    }

    private func headers() -> HTTPFields {
        var headers: HTTPFields = [:]
        if !self.cookies.isEmpty {
            headers[.cookie] = self.cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: "; ")
        }
        return headers
    }

    private mutating func remember(_ response: TestResponse) {
        for setCookie in response.headers[values: .setCookie] {
            guard let pair = setCookie.split(separator: ";").first else { continue }
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            self.cookies[parts[0]] = parts[1]
        }
    }

    /// The value of the hidden field `name` in a page.
    static func field(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: #"name="\#(name)" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}

extension DashboardClient {
    /// A multipart form POST, as a form with a file input sends it: text fields, then files (name, file
    /// name, bytes), the session's CSRF token added.
    mutating func postMultipart(
        _ path: String, _ fields: [String: String], files: [(field: String, fileName: String, content: Data)]
    ) async throws -> TestResponse {
        let boundary = "----LeadlightTest\(Int.random(in: 100_000...999_999))"
        var body = ByteBuffer()
        var fields = fields
        if fields["_csrf"] == nil, let token = self.csrfToken { fields["_csrf"] = token }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for file in files {
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; "
                    + "filename=\"\(file.fileName)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            body.writeBytes(file.content)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return try await self.send(
            path, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }
}
