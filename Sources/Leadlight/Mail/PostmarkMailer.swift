import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// Sends through Postmark's email API (`POST /email`, the server token in `X-Postmark-Server-Token`): a
/// message is sent when Postmark answers 200 with `ErrorCode` 0; anything else is an error naming Postmark's
/// message.
struct PostmarkMailer: Mailer {
    let token: String
    let baseURL: String

    struct Failed: Error, CustomStringConvertible {
        var status: Int
        var message: String
        var description: String { "Postmark refused the email (HTTP \(self.status)): \(self.message)" }
    }

    private struct Answer: Decodable {
        var ErrorCode: Int?
        var Message: String?
    }

    func send(_ message: MailMessage, from: String) async throws {
        var request = HTTPClientRequest(url: self.baseURL.trimmingSuffix("/") + "/email")
        request.method = .POST
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Postmark-Server-Token", value: self.token)
        let body: [String: String] = [
            "From": from, "To": message.to, "Subject": message.subject, "TextBody": message.text,
            "MessageStream": "outbound",
        ]
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(15))
        let bytes = try await response.body.collect(upTo: 1024 * 1024)
        let answer = try? JSONDecoder().decode(Answer.self, from: bytes)
        guard response.status.code == 200, answer?.ErrorCode ?? 0 == 0 else {
            throw Failed(
                status: Int(response.status.code),
                message: answer?.Message ?? String(buffer: bytes).prefix(200).description)
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        self.hasSuffix(suffix) ? String(self.dropLast(suffix.count)) : self
    }
}
