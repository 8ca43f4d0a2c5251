import SQLKit

/// The offering catalog. Prices are exact: ten-thousandths in a BIGINT (`Money`).
/// sku and external_id are unique per workspace: they are how an upsert finds a row again.
struct CreateOfferings: Migration {
    let version = 5

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE offerings (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                type TEXT NOT NULL,
                name TEXT NOT NULL,
                description TEXT,
                price_units BIGINT,
                currency TEXT NOT NULL,
                active BOOLEAN NOT NULL,
                sku TEXT,
                stock_qty BIGINT,
                reorder_level BIGINT,
                unit TEXT,
                billing_period TEXT,
                term_months INTEGER,
                external_id TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw("CREATE UNIQUE INDEX offerings_workspace_sku ON offerings (workspace_id, sku)").run()
        try await database.raw(
            "CREATE UNIQUE INDEX offerings_workspace_external_id ON offerings (workspace_id, external_id)"
        ).run()
        try await database.raw("CREATE INDEX offerings_workspace_created ON offerings (workspace_id, created_at)").run()
        try await database.raw("CREATE INDEX offerings_workspace_updated ON offerings (workspace_id, updated_at)").run()
    }
}
