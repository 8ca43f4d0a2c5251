import Foundation
import Hummingbird

/// Serves the OpenAPI 3.1 document of `/api/v1` (kept true to the router by `OpenAPIDocumentTests`).
struct OpenAPIController {
    /// The document, loaded once from the package resources.
    let document: ByteBuffer

    init() throws {
        self.document = ByteBuffer(bytes: try Self.loadDocument())
    }

    /// The document's bytes, from the package resources.
    static func loadDocument() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }

    func show(_ request: Request, context: APIContext) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: self.document)
        )
    }
}
