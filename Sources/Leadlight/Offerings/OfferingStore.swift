import Foundation
import SQLKit
import SQLiteNIO

/// Every query that touches `offerings`.
package struct OfferingStore: Sendable {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    static let columns = [
        "id", "workspace_id", "type", "name", "description", "price_units", "currency", "active", "sku", "stock_qty",
        "reorder_level", "unit", "billing_period", "term_months", "external_id", "created_at", "updated_at",
        "upsert_fingerprint",
    ]
    /// Rows per INSERT statement on PostgreSQL: 18 binds a row stays far below its limit of 65,535 binds.
    static let rowsPerStatement = 1000

    package func find(_ id: Offering.ID, in workspace: Workspace.ID) async throws -> Offering? {
        try await self.database.select().column("*").from("offerings")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("id", .equal, id.rawValue)
            .first()
            .map(Offering.init(row:))
    }

    /// What an upsert needs to find a row and to tell whether it was last written from the same changes.
    struct StoredKey: Sendable {
        var id: Offering.ID
        var sku: String?
        var externalID: String?
        var upsertFingerprint: String?
    }

    /// The keys of the workspace's offerings that have one of these skus or one of these external ids.
    func matchingKeys(skus: [String], externalIDs: [String], in workspace: Workspace.ID) async throws -> [StoredKey] {
        guard !skus.isEmpty || !externalIDs.isEmpty else { return [] }
        if let sqlite = self.database as? SQLiteDirectDatabase {
            // The same query, its text written here, its keys bound as they are and its rows read by position:
            // SQLKit's building and binding, and decoding by column name, were a third of the lookup's time.
            var keys: [StoredKey] = []
            keys.reserveCapacity(skus.count + externalIDs.count)
            let binds = [SQLiteData.text(workspace.rawValue)] + (skus + externalIDs).map(SQLiteData.text)
            try sqlite.connection.run(
                Self.matchingKeysStatement(skus: skus.count, externalIDs: externalIDs.count), binds
            ) { row in
                keys.append(
                    StoredKey(
                        id: Offering.ID(rawValue: row.values[0].string ?? ""), sku: row.values[1].string,
                        externalID: row.values[2].string, upsertFingerprint: row.values[3].string))
            }
            return keys
        }
        return try await Self.matchingKeysQuery(skus: skus, externalIDs: externalIDs, in: workspace, on: self.database)
            .all()
            .map { row in
                StoredKey(
                    id: Offering.ID(rawValue: try row.decode(column: "id", as: String.self)),
                    sku: try row.decodeIfPresent(column: "sku", as: String.self),
                    externalID: try row.decodeIfPresent(column: "external_id", as: String.self),
                    upsertFingerprint: try row.decodeIfPresent(column: "upsert_fingerprint", as: String.self)
                )
            }
    }

    /// The lookup as SQLKit builds it: what PostgreSQL runs, and what `matchingKeysStatement` writes for SQLite.
    static func matchingKeysQuery(
        skus: [String], externalIDs: [String], in workspace: Workspace.ID, on database: any SQLDatabase
    ) -> SQLSelectBuilder {
        database.select()
            .column("id").column("sku").column("external_id").column("upsert_fingerprint")
            .from("offerings")
            .where("workspace_id", .equal, workspace.rawValue)
            .where { group in
                var group = group
                if !skus.isEmpty { group = group.orWhere("sku", .in, skus) }
                if !externalIDs.isEmpty { group = group.orWhere("external_id", .in, externalIDs) }
                return group
            }
    }

    /// `matchingKeysQuery` as SQLKit writes it for SQLite, with `?` for each bind (the workspace, each sku,
    /// each external id).
    static func matchingKeysStatement(skus: Int, externalIDs: Int) -> String {
        func anyOf(_ column: String, _ count: Int) -> String? {
            count == 0 ? nil : "\"\(column)\" IN (\(Self.parameters(count)))"
        }
        let keys = [anyOf("sku", skus), anyOf("external_id", externalIDs)].compactMap { $0 }.joined(separator: " OR ")
        return "SELECT \"id\", \"sku\", \"external_id\", \"upsert_fingerprint\" FROM \"offerings\" "
            + "WHERE \"workspace_id\" = ? AND (\(keys))"
    }

    /// The workspace's offerings with these ids.
    func find(_ ids: [Offering.ID], in workspace: Workspace.ID) async throws -> [Offering.ID: Offering] {
        guard !ids.isEmpty else { return [:] }
        var found: [Offering.ID: Offering] = [:]
        for chunk in ids.chunked(by: Self.rowsPerStatement) {
            for row in try await self.database.select().column("*").from("offerings")
                .where("workspace_id", .equal, workspace.rawValue)
                .where("id", .in, chunk.map(\.rawValue))
                .all()
            {
                let offering = try Offering(row: row)
                found[offering.id] = offering
            }
        }
        return found
    }

    /// Inserts new offerings.
    func insert(_ offerings: [Offering]) async throws {
        try await self.write(offerings, updating: nil)
    }

    /// Writes changed offerings over their stored rows (an upsert on the id).
    /// - Parameter keysUnchanged: true when no offering's sku or externalId changed: the unique indexes on
    ///   them are then left alone, which makes a bulk update markedly cheaper.
    func update(_ offerings: [Offering], keysUnchanged: Bool = false) async throws {
        let fixed: Set<String> =
            keysUnchanged
            ? ["id", "workspace_id", "created_at", "sku", "external_id"] : ["id", "workspace_id", "created_at"]
        try await self.update(offerings, columns: Self.columns.filter { !fixed.contains($0) })
    }

    /// Records the fingerprint of the upsert row each offering now matches, and nothing else.
    func recordFingerprints(of offerings: [Offering]) async throws {
        try await self.update(offerings, columns: ["upsert_fingerprint"])
    }

    private func update(_ offerings: [Offering], columns: [String]) async throws {
        try await self.write(offerings, updating: columns)
    }

    /// Inserts the offerings, or with `columns` writes those columns over the stored rows of the same ids (an
    /// upsert on the id). On SQLite one single-row statement, prepared once, runs for each offering; elsewhere
    /// many rows go in one statement, which saves PostgreSQL a round trip a row.
    private func write(_ offerings: [Offering], updating columns: [String]?) async throws {
        guard !offerings.isEmpty else { return }
        if let sqlite = self.database as? SQLiteDirectDatabase {
            try sqlite.run(
                Self.singleRowStatement(updating: columns), forEach: offerings.map { Self.values(of: $0).map(\.sqlite) }
            )
            return
        }
        for chunk in offerings.chunked(by: Self.rowsPerStatement) {
            var insert = self.database.insert(into: "offerings").columns(Self.columns)
            for offering in chunk { insert = insert.values(Self.values(of: offering).map(\.bind)) }
            if let columns {
                insert = insert.onConflict(with: ["id"]) { conflict in
                    var conflict = conflict
                    for column in columns { conflict = conflict.set(excludedValueOf: column) }
                    return conflict
                }
            }
            try await insert.run()
        }
    }

    /// `INSERT` of one offering, with `ON CONFLICT (id) DO UPDATE SET` of `columns` when there are any: the same
    /// statement SQLKit builds for many rows, for one.
    static func singleRowStatement(updating columns: [String]?) -> String {
        var sql = "INSERT INTO \"offerings\" (" + Self.columns.map { "\"\($0)\"" }.joined(separator: ", ")
        sql += ") VALUES (\(Self.parameters(Self.columns.count)))"
        if let columns {
            sql += " ON CONFLICT (\"id\") DO UPDATE SET "
            sql += columns.map { "\"\($0)\" = EXCLUDED.\"\($0)\"" }.joined(separator: ", ")
        }
        return sql
    }

    /// `?, ?, …`: `count` parameters, as SQLKit writes them for SQLite (numbered there; bound in order here).
    private static func parameters(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// Deletes the offering; false when the workspace has no such offering.
    func delete(_ id: Offering.ID, in workspace: Workspace.ID) async throws -> Bool {
        let deleted = try await self.database.delete(from: "offerings")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("id", .equal, id.rawValue)
            .returning("id")
            .all()
        return !deleted.isEmpty
    }

    /// One page of the workspace's offerings, newest first, and how many match in all.
    package func list(_ query: OfferingQuery, in workspace: Workspace.ID) async throws -> (
        offerings: [Offering], total: Int
    ) {
        try await self.database.newestFirstPage(
            from: "offerings", where: Self.conditions(query, workspace), limit: query.limit, offset: query.offset,
            decode: Offering.init(row:)
        )
    }

    /// The offerings the query's filters select (its page left aside).
    private static func conditions(_ query: OfferingQuery, _ workspace: Workspace.ID) -> SQLQueryString {
        var conditions: SQLQueryString = "workspace_id = \(bind: workspace.rawValue)"
        if let type = query.type { conditions += " AND type = \(bind: type.rawValue)" }
        if let sku = query.sku { conditions += " AND sku = \(bind: sku)" }
        if let externalID = query.externalID { conditions += " AND external_id = \(bind: externalID)" }
        if let active = query.active { conditions += " AND active = \(bind: active)" }
        if let since = query.updatedSince { conditions += " AND updated_at >= \(bind: since.millisecondsSince1970)" }
        if let search = query.search {
            // LOWER(…) LIKE on both databases; the term's own %, _ and \ match literally.
            let pattern = SearchTerm(text: search).pattern
            conditions += """
                 AND (LOWER(name) LIKE \(bind: pattern) ESCAPE '\\' \
                OR LOWER(COALESCE(sku, '')) LIKE \(bind: pattern) ESCAPE '\\' \
                OR LOWER(COALESCE(description, '')) LIKE \(bind: pattern) ESCAPE '\\')
                """
        }
        return conditions
    }

    /// Counts by type and active state.
    package func counts(in workspace: Workspace.ID) async throws -> [(type: OfferingType, active: Bool, count: Int)] {
        try await self.database.select()
            .column("type").column("active").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("offerings")
            .where("workspace_id", .equal, workspace.rawValue)
            .groupBy("type").groupBy("active")
            .all()
            .map { row in
                (
                    try row.decode(column: "type", as: OfferingType.self),
                    try row.decode(column: "active", as: Bool.self),
                    try row.decode(column: "n", as: Int.self)
                )
            }
    }

    /// The offering's columns, in `columns`' order.
    static func values(of offering: Offering) -> [StoredValue] {
        [
            .text(offering.id.rawValue), .text(offering.workspaceID.rawValue), .text(offering.type.rawValue),
            .text(offering.name), .text(offering.description), .integer(offering.price?.units),
            .text(offering.currency.rawValue), .boolean(offering.active), .text(offering.sku),
            .integer(offering.stockQty), .integer(offering.reorderLevel), .text(offering.unit),
            .text(offering.billingPeriod?.rawValue), .integer(offering.termMonths.map(Int64.init)),
            .text(offering.externalID), .integer(offering.createdAt.millisecondsSince1970),
            .integer(offering.updatedAt.millisecondsSince1970), .text(offering.upsertFingerprint),
        ]
    }
}

extension Offering {
    init(row: any SQLRow) throws {
        self.init(
            id: ID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: Workspace.ID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            type: try row.decode(rawValueOf: "type", as: OfferingType.self),
            name: try row.decode(column: "name", as: String.self),
            description: try row.decodeIfPresent(column: "description", as: String.self),
            price: try row.decodeIfPresent(column: "price_units", as: Int64.self).map(Money.init(units:)),
            currency: try row.decode(rawValueOf: "currency", as: CurrencyCode.self),
            active: try row.decode(column: "active", as: Bool.self),
            sku: try row.decodeIfPresent(column: "sku", as: String.self),
            stockQty: try row.decodeIfPresent(column: "stock_qty", as: Int64.self),
            reorderLevel: try row.decodeIfPresent(column: "reorder_level", as: Int64.self),
            unit: try row.decodeIfPresent(column: "unit", as: String.self),
            billingPeriod: try row.decodeIfPresent(column: "billing_period", as: String.self).map {
                guard let period = BillingPeriod(rawValue: $0) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "billing_period \($0)"))
                }
                return period
            },
            termMonths: try row.decodeIfPresent(column: "term_months", as: Int.self),
            externalID: try row.decodeIfPresent(column: "external_id", as: String.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)),
            upsertFingerprint: try row.decodeIfPresent(column: "upsert_fingerprint", as: String.self)
        )
    }
}

extension Array {
    func chunked(by size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: self.count, by: size).map { self[$0..<Swift.min($0 + size, self.count)] }
    }
}
