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
            let routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
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
