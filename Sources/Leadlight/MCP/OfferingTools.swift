import Foundation
import MCP
import NIOCore

/// The offering catalog for an assistant: find, read, and push offerings with the bulk upsert's rules.
enum OfferingTools {
    static let all: [MCPTool] = [search, get, upsert]

    /// At most this many offerings a call, so an answer stays small enough for an assistant to read.
    static let maxRows = 100

    static let search = MCPTool(
        "search_offerings", title: "Search offerings",
        description: """
            Finds offerings of the catalog: by type (PRODUCT, SERVICE, SUBSCRIPTION), sku, externalId, active, \
            and text in name or description. At most 20 a page (limit, up to 50), with a nextCursor.
            """,
        input: WorkspaceTools.object(
            WorkspaceTools.pageProperties.merging([
                "type": MCPSchemas.property("type", of: "Offering"),
                "sku": ["type": "string"], "externalId": ["type": "string"], "active": ["type": "boolean"],
                "query": ["type": "string", "description": "Text to look for (at most 200 characters)."],
            ]) { $1 }),
        output: WorkspaceTools.pageSchema("products", of: "Offering"), readOnly: true, idempotent: true
    ) { arguments, tools in
        let query = try arguments.query(
            ["type": "type", "sku": "sku", "externalId": "externalId", "active": "active", "query": "q"]
        ) { try OfferingQuery(validating: $0) }
        let (offerings, total) = try await OfferingStore(database: tools.database.sql).list(
            query, in: tools.workspace)
        return try WorkspaceTools.page(
            "products", offerings, total: total, offset: query.offset, as: OfferingsAPI.OfferingBody.init)
    }

    static let get = MCPTool(
        "get_offering", title: "Get an offering", description: "Reads one offering by its id (off_…).",
        input: WorkspaceTools.object(["id": ["type": "string"]], required: ["id"]),
        output: MCPSchemas.named("Offering"), readOnly: true, idempotent: true
    ) { arguments, tools in
        let id = try arguments.id("id", as: Offering.ID.self)
        guard let offering = try await OfferingStore(database: tools.database.sql).find(id, in: tools.workspace)
        else { throw NotFound("offering") }
        return try Value.encoding(OfferingsAPI.OfferingBody(offering))
    }

    static let upsert = MCPTool(
        "upsert_offerings", title: "Add or update offerings",
        description: """
            Adds or updates up to 100 offerings, each matched by sku or externalId (the bulk upsert of the API): \
            each row answers created, updated, unchanged or failed with its errors, and a failed row does not stop \
            the others. Sending the same rows again changes nothing.
            """,
        input: WorkspaceTools.object(
            [
                "products": [
                    "type": "array", "minItems": 1, "maxItems": .int(Self.maxRows),
                    "items": MCPSchemas.named("OfferingInput"),
                ]
            ], required: ["products"]),
        output: MCPSchemas.named("BulkUpsertResult"), readOnly: false, idempotent: true
    ) { arguments, tools in
        guard case .array(let rows)? = arguments.values["products"], !rows.isEmpty else {
            throw ValidationFailure(field: "products", message: "is required: a list of 1 to \(Self.maxRows) offerings")
        }
        guard rows.count <= Self.maxRows else {
            throw ValidationFailure(
                field: "products", message: "has \(rows.count) offerings; a call takes at most \(Self.maxRows)")
        }
        if let extra = arguments.values.keys.first(where: { $0 != "products" }) {
            throw ValidationFailure(field: extra, message: "is not an argument of this tool")
        }
        let body = try JSONEncoder().encode(Value.object(["products": .array(rows)]))
        guard case .batch(let batch) = try OfferingsAPI.UpsertRequest(body: ByteBuffer(bytes: body)) else {
            throw ValidationFailure(field: "products", message: "must be a list of offerings")
        }
        let workspace = try await WorkspaceStore(database: tools.database.sql).require(tools.workspace)
        let answer = OfferingsAPI.BulkResponse(
            try await OfferingUpserter(database: tools.database, clock: tools.clock).upsert(batch, in: workspace))
        return try Value.reading(Data(answer.jsonBytes().readableBytesView))
    }
}
