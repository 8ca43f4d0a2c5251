import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Makes one attempt at a delivery: checks the target, POSTs the payload with a deadline, and reports what
/// happened as a `WebhookAttempt` (the caller decides about retries).
struct WebhookSender: Sendable {
    let clients: WebhookHTTPClients
    let policy: WebhookTargetPolicy
    let timeout: Duration
    let clock: WallClock

    /// How much of a receiver's answer the delivery log keeps.
    static let excerptBytes = 1024

    func attempt(_ delivery: ClaimedWebhookDelivery) async -> WebhookAttempt {
        let startedAt = self.clock.now
        let started = ContinuousClock.now
        var attempt = WebhookAttempt(
            deliveryID: delivery.id, number: delivery.previousAttempts + 1, startedAt: startedAt,
            latencyMilliseconds: 0
        )
        do {
            let target = try await self.policy.target(delivery.url)
            let payload = try WebhookPayload(
                eventID: delivery.eventID, eventType: delivery.eventType, data: delivery.data,
                agentID: delivery.agentID, secret: delivery.secret, deliveryID: delivery.id, at: startedAt
            )
            var request = HTTPClientRequest(url: target.url.absoluteString)
            request.method = .POST
            for header in payload.headers { request.headers.add(name: header.name, value: header.value) }
            request.body = .bytes(ByteBuffer(string: payload.body))
            let deadline = NIODeadline.now() + .nanoseconds(Int64(self.timeout / .nanoseconds(1)))
            let (status, excerpt) = try await self.clients.withClient(for: target) { client in
                let response = try await client.execute(request, deadline: deadline)
                return (response.status, try await Self.excerpt(of: response))
            }
            attempt.statusCode = Int(status.code)
            attempt.responseExcerpt = excerpt
            if !attempt.succeeded { attempt.error = "answered \(status.code) \(status.reasonPhrase)" }
        } catch let refusal as WebhookTargetPolicy.Refusal {
            attempt.error = "not sent: the URL \(refusal.reason)"
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            attempt.error = "timed out after \(Self.seconds(self.timeout))"
        } catch let error as IOError {
            attempt.error = "could not deliver: \(String(cString: strerror(error.errnoCode)).lowercased())"
        } catch {
            attempt.error = "could not deliver: \(error)"
        }
        attempt.latencyMilliseconds = Int((ContinuousClock.now - started) / .milliseconds(1))
        return attempt
    }

    /// The start of the answer's body, as text; the rest is not read.
    private static func excerpt(of response: HTTPClientResponse) async throws -> String? {
        var bytes: [UInt8] = []
        for try await chunk in response.body {
            bytes.append(contentsOf: chunk.readableBytesView.prefix(Self.excerptBytes - bytes.count))
            if bytes.count >= Self.excerptBytes { break }
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    private static func seconds(_ duration: Duration) -> String {
        let milliseconds = Int64(duration / .milliseconds(1))
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }
}
