import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SQLKit

/// Safe retries of creates, as Stripe's API does them: a `POST` with an `Idempotency-Key` header that the
/// workspace already sent within 24 hours answers the first answer again and creates nothing; the same key
/// with a different request is a 409. Kept in the database, so it holds across server processes.
struct IdempotentCreation: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock

    static let window: TimeInterval = 24 * 60 * 60
    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!

    /// What a retry must repeat to be the same request: the method, the path and the body's parameters. Like
    /// Stripe, parameters are compared, not bytes: the JSON is read and written again with its keys sorted, so a
    /// client that encodes the same object in another key order or spacing on its retry is not refused.
    static func fingerprint(_ method: String, _ path: String, body: ByteBuffer) -> String {
        let bytes = Data(body.readableBytesView)
        let canonical = (try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])).flatMap {
            try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys, .fragmentsAllowed])
        }
        return Self.hash(method, path, canonical ?? bytes)
    }

    /// The fingerprint as first recorded: the body's bytes as sent.
    static func bytesFingerprint(_ method: String, _ path: String, body: ByteBuffer) -> String {
        Self.hash(method, path, Data(body.readableBytesView))
    }

    private static func hash(_ method: String, _ path: String, _ payload: Data) -> String {
        Hex.encode(SHA256.hash(data: Data("\(method) \(path)\n".utf8) + payload))
    }

    /// Runs `create` in one transaction with the key's record, or replays the recorded answer.
    /// `create` returns the status and body of the answer; it must write only through the transaction given.
    func respond(
        to request: Request,
        body: ByteBuffer,
        context: APIContext,
        create: @escaping @Sendable (any SQLDatabase) async throws -> (HTTPResponse.Status, ByteBuffer)
    ) async throws -> Response {
        guard let key = try Self.key(in: request.headers) else {
            // A unique index may refuse a row another request inserted meanwhile (PostgreSQL): the transaction
            // is rolled back whole and run again, when `create`'s own checks see that row.
            var attempt = 0
            while true {
                attempt += 1
                do {
                    let (status, answer) = try await self.database.transaction(create)
                    return Self.response(status, answer, replayed: false)
                } catch  where attempt < 3 && UniqueViolation.matches(error) {
                    continue
                }
            }
        }
        let workspace = try context.workspaceID
        let requestHash = Self.fingerprint(request.method.rawValue, request.uri.path, body: body)
        // Keys recorded before fingerprints compared parameters hashed the bytes; they are at most a day old.
        let bytesHash = Self.bytesFingerprint(request.method.rawValue, request.uri.path, body: body)
        // Two requests with one key at once: on PostgreSQL both may create, but only one can record the key;
        // the other's transaction fails on the primary key, is rolled back whole, and replays on the next pass.
        var attempt = 0
        while true {
            attempt += 1
            do {
                let now = self.clock.now
                let (status, answer, replayed) = try await self.database.transaction { tx in
                    if let recorded = try await Self.recorded(key, in: workspace, on: tx) {
                        if now.timeIntervalSince(recorded.createdAt) < Self.window {
                            guard recorded.requestHash == requestHash || recorded.requestHash == bytesHash else {
                                throw APIError.conflict(
                                    "This Idempotency-Key was already used with a different request.",
                                    code: "idempotency_key_reused"
                                )
                            }
                            return (recorded.status, recorded.body, true)
                        }
                        try await tx.delete(from: "idempotency_keys")
                            .where("workspace_id", .equal, workspace.rawValue)
                            .where("idempotency_key", .equal, key)
                            .run()
                    }
                    let (status, answer) = try await create(tx)
                    try await tx.insert(into: "idempotency_keys")
                        .columns(
                            "workspace_id", "idempotency_key", "request_hash", "status_code", "response_body",
                            "created_at"
                        )
                        .values(
                            SQLBind(workspace.rawValue), SQLBind(key), SQLBind(requestHash), SQLBind(Int(status.code)),
                            SQLBind(String(buffer: answer)), SQLBind(now.millisecondsSince1970)
                        )
                        .run()
                    return (status, answer, false)
                }
                return Self.response(status, answer, replayed: replayed)
            } catch  where attempt < 3 && UniqueViolation.matches(error) {
                continue
            }
        }
    }

    private struct Recorded {
        var requestHash: String
        var status: HTTPResponse.Status
        var body: ByteBuffer
        var createdAt: Date
    }

    private static func recorded(_ key: String, in workspace: Workspace.ID, on database: any SQLDatabase) async throws
        -> Recorded?
    {
        guard
            let row = try await database.select().column("*").from("idempotency_keys")
                .where("workspace_id", .equal, workspace.rawValue)
                .where("idempotency_key", .equal, key)
                .first()
        else { return nil }
        return Recorded(
            requestHash: try row.decode(column: "request_hash", as: String.self),
            status: HTTPResponse.Status(code: try row.decode(column: "status_code", as: Int.self)),
            body: ByteBuffer(string: try row.decode(column: "response_body", as: String.self)),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self))
        )
    }

    /// The header's key: 1–255 visible ASCII characters, or a 400.
    static func key(in headers: HTTPFields) throws -> String? {
        guard let key = headers[Self.header] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw APIError.validationFailed([
                FieldError(field: "Idempotency-Key", message: "must be 1 to 255 visible ASCII characters, like a UUID")
            ])
        }
        return key
    }

    private static func response(_ status: HTTPResponse.Status, _ body: ByteBuffer, replayed: Bool) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if replayed { headers[Self.replayedHeader] = "true" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// JSON bytes of an answer, as the API encodes answers.
    static func json(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(data: try LeadlightJSON.encoder().encode(value))
    }
}
