import Foundation
import SQLKit

/// Every query that touches `listings`.
package struct ListingStore: ArchivableStore {
    static let resource = "listing"

    let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    func insert(_ listing: Listing) async throws {
        try await self.database.insert(into: "listings")
            .columns(
                "id", "workspace_id", "address", "price_units", "bedrooms", "bathroom_tenths", "sqft", "description",
                "status", "created_at", "updated_at"
            )
            .values(Self.values(of: listing))
            .run()
    }

    func update(_ listing: Listing) async throws {
        try await self.database.update("listings")
            .set("address", to: listing.address)
            .set("price_units", to: listing.price.units)
            .set("bedrooms", to: SQLBind.orNull(listing.bedrooms))
            .set("bathroom_tenths", to: SQLBind.orNull(listing.bathroomTenths))
            .set("sqft", to: SQLBind.orNull(listing.sqft))
            .set("description", to: SQLBind.orNull(listing.description))
            .set("status", to: listing.status.rawValue)
            .set("updated_at", to: listing.updatedAt.millisecondsSince1970)
            .set("archived_at", to: SQLBind.orNull(listing.archivedAt?.millisecondsSince1970))
            .where("workspace_id", .equal, listing.workspaceID.rawValue)
            .where("id", .equal, listing.id.rawValue)
            .run()
    }

    package func find(_ id: Listing.ID, in workspace: Workspace.ID) async throws -> Listing? {
        try await self.database.select().column("*").from("listings")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("id", .equal, id.rawValue)
            .first()
            .map(Listing.init(row:))
    }

    /// One page, newest first, and how many match in all.
    package func list(_ query: ListingQuery, in workspace: Workspace.ID) async throws -> (
        listings: [Listing], total: Int
    ) {
        var conditions: SQLQueryString =
            "workspace_id = \(bind: workspace.rawValue) AND \(SQLQueryString.archived(query.archived))"
        if let status = query.status { conditions += " AND status = \(bind: status.rawValue)" }
        if let address = query.address {
            conditions += " AND lower(address) LIKE \(bind: SearchTerm(text: address).pattern) ESCAPE '\\'"
        }
        if let minPrice = query.minPrice { conditions += " AND price_units >= \(bind: minPrice.units)" }
        if let maxPrice = query.maxPrice { conditions += " AND price_units <= \(bind: maxPrice.units)" }
        if let minBedrooms = query.minBedrooms { conditions += " AND bedrooms >= \(bind: minBedrooms)" }
        return try await self.database.newestFirstPage(
            from: "listings", where: conditions, limit: query.limit, offset: query.offset,
            counted: query.address == nil && query.minPrice == nil && query.maxPrice == nil && query.minBedrooms == nil
                ? .init(
                    record: .listings, workspace: workspace, archived: query.archived, state: query.status?.rawValue)
                : nil,
            decode: Listing.init(row:)
        )
    }

    private static func values(of listing: Listing) -> [any SQLExpression] {
        return [
            SQLBind.orNull(listing.id.rawValue), SQLBind.orNull(listing.workspaceID.rawValue),
            SQLBind.orNull(listing.address),
            SQLBind.orNull(listing.price.units), SQLBind.orNull(listing.bedrooms),
            SQLBind.orNull(listing.bathroomTenths), SQLBind.orNull(listing.sqft),
            SQLBind.orNull(listing.description), SQLBind.orNull(listing.status.rawValue),
            SQLBind.orNull(listing.createdAt.millisecondsSince1970),
            SQLBind.orNull(listing.updatedAt.millisecondsSince1970),
        ]
    }
}

extension Listing {
    init(row: any SQLRow) throws {
        self.init(
            id: ID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: Workspace.ID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            address: try row.decode(column: "address", as: String.self),
            price: Money(units: try row.decode(column: "price_units", as: Int64.self)),
            bedrooms: try row.decodeIfPresent(column: "bedrooms", as: Int.self),
            bathroomTenths: try row.decodeIfPresent(column: "bathroom_tenths", as: Int.self),
            sqft: try row.decodeIfPresent(column: "sqft", as: Int.self),
            description: try row.decodeIfPresent(column: "description", as: String.self),
            status: try row.decode(rawValueOf: "status", as: ListingStatus.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)),
            archivedAt: try row.decodeIfPresent(column: "archived_at", as: Int64.self).map(
                Date.init(millisecondsSince1970:))
        )
    }
}
