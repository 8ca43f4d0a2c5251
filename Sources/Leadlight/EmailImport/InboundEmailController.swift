import Hummingbird
import NIOCore

/// `POST /inbound/email/{token}`: where an email service posts each email sent to the workspace's inbound
/// address (docs/EMAIL-IMPORT.md). The token in the path is the credential; an unknown one is a 404. The answer
/// is 200 for every email read, a lead made or not (an email service retries anything else), and a 4xx with
/// nothing stored for a body that is not an email.
struct InboundEmailController: Sendable {
    let operations: EmailImportOperations
    let maxBytes: Int

    func addRoutes(to router: Router<APIContext>) {
        router.post("inbound/email/{token}", use: self.receive)
    }

    func receive(_ request: Request, context: APIContext) async throws -> EmailImportOperations.Answer {
        let token = context.parameters.get("token") ?? ""
        guard let workspace = try await self.operations.workspace(ofToken: token) else {
            throw APIError(
                status: .notFound, code: "not_found", message: "No inbound address has that token.")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > self.maxBytes {
            throw APIError.payloadTooLarge(limit: self.maxBytes)
        }
        let body: ByteBuffer
        do {
            var request = request
            body = try await request.collectBody(upTo: self.maxBytes)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge(limit: self.maxBytes)
        }
        let email: InboundEmail
        do {
            email = try InboundEmail(body: Array(body.readableBytesView), contentType: request.headers[.contentType])
        } catch InboundEmailRejected.unsupportedType(let type) {
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported_media_type",
                message:
                    "Send Postmark's inbound JSON (application/json), SendGrid's Inbound Parse (multipart/form-data) "
                    + "or a raw message (message/rfc822), not \(type).")
        } catch InboundEmailRejected.malformed(let reason) {
            throw APIError(
                status: .badRequest, code: "malformed_email", message: "The email could not be read: \(reason).")
        }
        return EmailImportOperations.Answer(try await self.operations.receive(email, in: workspace))
    }
}
