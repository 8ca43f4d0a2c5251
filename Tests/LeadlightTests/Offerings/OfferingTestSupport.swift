import Foundation
import HTTPTypes
import HummingbirdTesting
import SQLKit

@testable import Leadlight

extension TestClientProtocol {
    /// `POST /api/v1/products` with any JSON body.
    func pushProducts(_ body: Any, key: String) async throws -> TestResponse {
        try await self.send(.post, "/api/v1/products", json: body, key: key)
    }

    /// `POST /api/v1/products` with JSON already encoded (made outside a `@Sendable` test closure).
    func pushProducts(json body: Data, key: String) async throws -> TestResponse {
        try await self.send(.post, "/api/v1/products", body: body, key: key)
    }
}

extension TestResponse {
    var bulk: OfferingsAPI.BulkResponse {
        get throws { try self.decode(OfferingsAPI.BulkResponse.self) }
    }

    var offering: OfferingsAPI.OfferingBody {
        get throws { try self.decode(OfferingsAPI.OfferingBody.self) }
    }

    /// The body as text, to check that numbers come back digit for digit.
    var text: String { String(buffer: self.body) }
}

/// JSON bytes of any JSON-shaped value.
func jsonData(_ value: Any) throws -> Data {
    try JSONSerialization.data(withJSONObject: value)
}

extension TestSeed {
    /// Every offering stored in the workspace, read straight from the table.
    func offerings(in workspace: Workspace.ID) async throws -> [Offering] {
        try await self.database.sql.select().column("*").from("offerings")
            .where("workspace_id", .equal, workspace.rawValue)
            .orderBy("created_at").orderBy("id")
            .all().map(Offering.init(row:))
    }

    func offeringCount() async throws -> Int {
        try await self.database.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("offerings").first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
