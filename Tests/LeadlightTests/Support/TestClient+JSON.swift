import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

@testable import Leadlight

extension HTTPFields {
    /// The documented `Authorization: Bearer` header.
    static func bearer(_ key: String) -> HTTPFields {
        [.authorization: "Bearer \(key)"]
    }
}

extension TestClientProtocol {
    func get(_ path: String, key: String?, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await self.execute(uri: path, method: .get, headers: headers)
    }

    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        json: Any,
        key: String?,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        let data = try JSONSerialization.data(withJSONObject: json)
        return try await self.send(method, path, body: data, key: key, headers: headers)
    }

    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        body: Data,
        key: String?,
        contentType: String? = "application/json",
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        if let key { headers[.authorization] = "Bearer \(key)" }
        if let contentType { headers[.contentType] = contentType }
        return try await self.execute(uri: path, method: method, headers: headers, body: ByteBuffer(bytes: body))
    }
}

extension JSONDecoder {
    /// A decoder for the API's answers: dates as ISO 8601 with milliseconds.
    static var leadlight: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: text))
            }
            return date
        }
        return decoder
    }
}

extension TestResponse {
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder.leadlight.decode(T.self, from: Data(buffer: self.body))
    }

    /// The error body every failure shares.
    var error: APIErrorBody {
        get throws { try self.decode(APIErrorBody.self) }
    }

    var json: [String: Any] {
        get throws { try JSONSerialization.jsonObject(with: Data(buffer: self.body)) as? [String: Any] ?? [:] }
    }
}
