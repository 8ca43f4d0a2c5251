import SQLKit

/// Listings: properties for sale. Price in ten-thousandths like every amount (`Money`); bathrooms in tenths,
/// so 2.5 is exact.
struct CreateListings: Migration {
    let version = 12

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE listings (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                address TEXT NOT NULL,
                price_units BIGINT NOT NULL,
                bedrooms INTEGER,
                bathroom_tenths INTEGER,
                sqft INTEGER,
                description TEXT,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw("CREATE INDEX listings_workspace_status ON listings (workspace_id, status, created_at)")
            .run()
    }
}
