import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// Reads the body as JSON of type `T`, answering every way it can be wrong with a clear 4xx:
    /// 415 not JSON, 413 too large, 400 empty, not UTF-8, malformed, or a field of the wrong type.
    func decodeJSON<T: Decodable>(as type: T.Type, context: APIContext) async throws -> T {
        try Self.decodeJSON(as: T.self, from: try await self.jsonBody(context: context))
    }

    /// The body's bytes, checked to be a JSON request: 415 not JSON, 413 too large, 400 empty or not UTF-8.
    func jsonBody(context: APIContext) async throws -> ByteBuffer {
        guard Self.isJSON(self.headers[.contentType]) else { throw APIError.unsupportedMediaType }
        let limit = context.maxRequestBodyBytes
        let buffer: ByteBuffer
        do {
            buffer = try await self.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge(limit: limit)
        }
        guard buffer.readableBytes > 0 else {
            throw APIError.invalidJSON("The request body is empty; send a JSON object.")
        }
        guard String(validating: buffer.readableBytesView, as: UTF8.self) != nil else {
            throw APIError.badRequest("The request body is not valid UTF-8.", code: "invalid_encoding")
        }
        return buffer
    }

    /// Decodes a body `jsonBody(context:)` returned, mapping every decoding failure to a clear 400.
    static func decodeJSON<T: Decodable>(as type: T.Type, from body: ByteBuffer) throws -> T {
        do {
            return try LeadlightJSON.decoder().decode(T.self, from: Data(body.readableBytesView))
        } catch let error as DecodingError {
            throw Self.apiError(for: error)
        }
    }

    /// `application/json` or any `application/*+json`, with or without parameters such as a charset.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType,
            let mediaType = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        else { return false }
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    private static func apiError(for error: DecodingError) -> APIError {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .invalidJSON("The request body is not valid JSON.")
        case .dataCorrupted(let context):
            return .validationFailed([FieldError(field: Self.fieldName(context.codingPath), message: "is not valid")])
        case .typeMismatch(let expected, let context) where context.codingPath.isEmpty:
            return .invalidJSON("The request body must be \(Self.jsonKind(expected)).")
        case .typeMismatch(let expected, let context):
            return .validationFailed([
                FieldError(field: Self.fieldName(context.codingPath), message: "must be \(Self.jsonKind(expected))")
            ])
        case .keyNotFound(let key, let context):
            return .validationFailed([
                FieldError(field: Self.fieldName(context.codingPath + [key]), message: "is required")
            ])
        case .valueNotFound(let expected, let context):
            return .validationFailed([
                FieldError(
                    field: Self.fieldName(context.codingPath), message: "must be \(Self.jsonKind(expected)), not null"
                )
            ])
        @unknown default:
            return .invalidJSON("The request body could not be read.")
        }
    }

    /// `products[3].price`: how a client would point at the field in its own JSON.
    static func fieldName(_ path: [any CodingKey]) -> String {
        var name = ""
        for key in path {
            if let index = key.intValue {
                name += "[\(index)]"
            } else {
                name += name.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return name.isEmpty ? "body" : name
    }

    private static func jsonKind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type: return "a whole number"
        case is Double.Type, is Float.Type, is Decimal.Type: return "a number"
        case is [Any].Type: return "an array"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array<") { return "an array" }
            if name.hasPrefix("Dictionary<") { return "a JSON object" }
            return "a JSON object"
        }
    }
}
