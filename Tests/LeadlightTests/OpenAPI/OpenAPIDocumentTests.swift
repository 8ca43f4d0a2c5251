import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// The OpenAPI document and the router describe the same API: a route without documentation,
/// or documentation without a route, fails here.
@Suite struct OpenAPIDocumentTests {
    private static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    private func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: OpenAPIController.loadDocument()) as? [String: Any])
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() async throws {
        try await withTestApp(.sqlite) { _, seed in
            let router = try buildRouter(LeadlightConfiguration(), database: seed.database)
            // the document is the API's: the dashboard's pages are not in it
            let routes = Set(
                router.routes.map { "\($0.method.rawValue) \($0.path)" }
                    .filter { $0.contains(" /api/") || $0.hasSuffix("/healthz") || $0.hasSuffix("/readyz") })
            let paths = try #require(try self.document()["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, item) in paths {
                for method in item.keys where Self.methods.contains(method) {
                    documented.insert("\(method.uppercased()) \(path)")
                }
            }
            #expect(routes.subtracting(documented).sorted() == [], "routes missing from openapi.json")
            #expect(documented.subtracting(routes).sorted() == [], "documented operations with no route")
        }
    }

    @Test func theDocumentIsOpenAPI31WithResponsesAndTheTwoKeyHeaders() throws {
        let document = try self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let schemes = try #require(
            (document["components"] as? [String: Any])?["securitySchemes"] as? [String: [String: Any]])
        #expect(schemes.values.contains { $0["scheme"] as? String == "bearer" })
        #expect(schemes.values.contains { $0["in"] as? String == "header" && $0["name"] as? String == "X-API-Key" })
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for (path, item) in paths {
            for (method, operation) in item where Self.methods.contains(method) {
                let operation = try #require(operation as? [String: Any], "\(method) \(path)")
                #expect(operation["operationId"] is String, "\(method) \(path)")
                let responses = try #require(operation["responses"] as? [String: Any], "\(method) \(path)")
                #expect(!responses.isEmpty, "\(method) \(path)")
            }
        }
    }

    /// What a create needs, the document and the server agree on: an empty body is refused naming exactly the
    /// fields the creation schema requires (schemathesis, run by `.ci/run`, checks the rest of each schema
    /// against the server: scripts/contract-fuzz.sh).
    @Test func eachCreationSchemaRequiresWhatTheServerRequires() async throws {
        let document = try self.document()
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: [String: Set<String>] = [:]
        for path in ["/api/v1/leads", "/api/v1/clients", "/api/v1/listings", "/api/v1/showings", "/api/v1/webhooks"] {
            let content = ((paths[path]?["post"] as? [String: Any])?["requestBody"] as? [String: Any])?["content"]
            let schema = ((content as? [String: [String: Any]])?["application/json"]?["schema"]) as? [String: String]
            let name = try #require(schema?["$ref"]?.split(separator: "/").last, "\(path)")
            documented[path] = Set(try #require(schemas[String(name)]?["required"] as? [String], "\(path)"))
        }
        try await withTestApp(.sqlite) { [documented] app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                for (path, required) in documented {
                    let refused = try await client.send(.post, path, json: [String: Any](), key: key)
                    #expect(refused.status == .badRequest, "\(path)")
                    let named = Set(
                        try refused.error.error.fields?.filter { $0.message.hasPrefix("is required") }.map(\.field)
                            ?? [])
                    #expect(named == required, "\(path): the server requires \(named), the document \(required)")
                }
            }
        }
    }

    @Test func theDocumentIsServed() async throws {
        try await withTestApp(.sqlite) { app, _ in
            try await app.test(.router) { client in
                let response = try await client.get("/api/v1/openapi.json", key: nil)
                #expect(response.status == .ok)
                #expect(try response.json["openapi"] as? String == "3.1.0")
            }
        }
    }
}
