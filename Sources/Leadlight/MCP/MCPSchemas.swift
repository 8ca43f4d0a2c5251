import Foundation
import MCP

/// The JSON Schemas of the API's bodies (the OpenAPI 3.1 document's `components.schemas`, which are JSON Schema),
/// each with its `$ref`s written out in place: a tool's input and output are described exactly as the REST API's
/// same bodies are, from the one document `OpenAPIDocumentTests` keeps true.
enum MCPSchemas {
    static let components: [String: Value] = {
        guard let data = try? OpenAPIController.loadDocument(), let document = try? Value.reading(data),
            let schemas = document.objectValue?["components"]?.objectValue?["schemas"]?.objectValue
        else { return [:] }
        return schemas
    }()

    /// The schema named `name`, self-contained; an empty object schema if the document has none of that name
    /// (`MCPToolsTests` checks every tool's schemas name real ones).
    static func named(_ name: String) -> Value {
        Self.inlined(Self.components[name] ?? ["type": "object"], depth: 0)
    }

    /// One property's schema of the schema `name` (a status's enum, a time's format).
    static func property(_ property: String, of name: String) -> Value {
        Self.named(name).objectValue?["properties"]?.objectValue?[property] ?? [:]
    }

    private static func inlined(_ schema: Value, depth: Int) -> Value {
        guard depth < 16 else { return schema }
        switch schema {
        case .object(let object):
            if case .string(let reference)? = object["$ref"], reference.hasPrefix("#/components/schemas/") {
                let name = String(reference.dropFirst("#/components/schemas/".count))
                return Self.inlined(Self.components[name] ?? ["type": "object"], depth: depth + 1)
            }
            return .object(object.mapValues { Self.inlined($0, depth: depth + 1) })
        case .array(let items):
            return .array(items.map { Self.inlined($0, depth: depth + 1) })
        default:
            return schema
        }
    }
}
