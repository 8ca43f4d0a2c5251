import Foundation
import Hummingbird

/// The answers of the list endpoints (`GET /api/v1/leads`, `/clients`, `/listings`, `/showings`, `/products`)
/// through a `ReadCache`, keyed by workspace, path and query string. A query is checked inside `read`, so only
/// valid ones are kept.
struct ListResponseCache: Sendable {
    let cache: ReadCache<ByteBuffer>
    /// At most this many bytes of answers are kept (a page of 200 leads is about 80 KB).
    static let capacityBytes = 32 << 20

    func respond(
        to request: Request,
        context: APIContext,
        read: () async throws -> ByteBuffer
    ) async throws -> Response {
        let key = "\(try context.workspaceID.rawValue) \(request.uri.path)?\(request.uri.query ?? "")"
        let body = try await self.cache.value(for: key, read: read)
        return .json(body)
    }

    /// `value` as the API writes every answer.
    static func json(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(data: try LeadlightJSON.encoder().encode(value))
    }
}
