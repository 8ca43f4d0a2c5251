import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// HTTP to a running server (a `ServerProcess`, or nginx in front of some) as a browser sends it: forms
/// urlencoded, the session cookie given, redirects not followed (`http` is made with `redirectConfiguration:
/// .disallow`), so a test sees each 303 and its `Location`.
enum LiveHTTP {
    struct Answer: Sendable {
        var status: UInt
        var location: String?
        /// The `name=value` of the first `Set-Cookie`.
        var cookie: String?
        var body: String
        var headers: HTTPHeaders
    }

    static func send(
        _ method: HTTPMethod, _ url: String, form: [(String, String)]? = nil, cookie: String? = nil,
        origin: String? = nil, http: HTTPClient
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let cookie { request.headers.add(name: "Cookie", value: cookie) }
        if let origin { request.headers.add(name: "Origin", value: origin) }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            let body = form.map { "\(DashboardClient.encode($0.0))=\(DashboardClient.encode($0.1))" }
                .joined(separator: "&")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 22)
        let cookie = response.headers["Set-Cookie"].first?.split(separator: ";").first.map(String.init)
        return Answer(
            status: response.status.code, location: response.headers["Location"].first, cookie: cookie,
            body: String(buffer: body), headers: response.headers)
    }
}
