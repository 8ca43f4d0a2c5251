import Foundation
import SQLKit
import Testing

@testable import Leadlight

/// On SQLite `OfferingStore` writes offerings with a statement of its own, one row run for each offering: it must
/// be the statement SQLKit builds (for one row), for an insert and for each kind of update. What it writes is
/// read back on both databases by `OfferingReadBackTests` and `OfferingUpsertTests`.
@Suite struct OfferingStoreTests {
    @Test func theSingleRowStatementIsTheOneSQLKitBuilds() async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await database.transaction { tx in
                    let updates: [[String]?] = [
                        nil, ["upsert_fingerprint"], OfferingStore.columns.filter { $0 != "id" && $0 != "created_at" },
                    ]
                    for columns in updates {
                        var insert = tx.insert(into: "offerings").columns(OfferingStore.columns)
                            .values(Array(repeating: SQLBind(0), count: OfferingStore.columns.count))
                        if let columns {
                            insert = insert.onConflict(with: ["id"]) { conflict in
                                var conflict = conflict
                                for column in columns { conflict = conflict.set(excludedValueOf: column) }
                                return conflict
                            }
                        }
                        let (sql, _) = tx.serialize(insert.query)
                        #expect(
                            sql.replacing(/\?\d+/, with: "?") == OfferingStore.singleRowStatement(updating: columns))
                    }
                }
            }
        }
    }
}

extension OfferingStoreTests {
    /// On SQLite the upsert's key lookup is written out by `OfferingStore` too: SQLKit's query, for skus alone,
    /// external ids alone, and both.
    @Test func theKeyLookupIsTheOneSQLKitBuilds() async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await database.transaction { tx in
                    for (skus, externalIDs) in [(3, 0), (0, 2), (1, 4)] {
                        let query = OfferingStore.matchingKeysQuery(
                            skus: Array(repeating: "s", count: skus),
                            externalIDs: Array(repeating: "e", count: externalIDs),
                            in: Workspace.ID(rawValue: "w"), on: tx)
                        let (sql, _) = tx.serialize(query.query)
                        #expect(
                            sql.replacing(/\?\d+/, with: "?")
                                == OfferingStore.matchingKeysStatement(skus: skus, externalIDs: externalIDs))
                    }
                }
            }
        }
    }
}
