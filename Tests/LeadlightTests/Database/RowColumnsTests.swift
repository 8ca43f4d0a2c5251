import Foundation
import SQLKit
import Testing

@testable import Leadlight

/// `RowColumns`, which reads the records every list is made of: by position when a row comes from SQLite's own
/// interface and its columns are in the order read, by name in any other order or from PostgreSQL, and with the
/// same answers and the same errors as `SQLRow` whatever the row.
@Suite struct RowColumnsTests {
    struct Read: Equatable {
        var id: String
        var note: String?
        var count: Int64
        var removedAt: Int64?
    }

    static func read(_ row: any SQLRow) throws -> Read {
        var row = RowColumns(row)
        return Read(
            id: try row.text("id"), note: try row.optionalText("note"), count: try row.int64("count"),
            removedAt: try row.optionalInt64("removed_at"))
    }

    @Test(arguments: TestDatabase.available)
    func columnsReadTheSameInAnyOrderAndTypesReadAsSQLRowReadsThem(_ kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await database.sql.raw(
                    "CREATE TABLE scratch (id TEXT PRIMARY KEY, note TEXT, count BIGINT NOT NULL, removed_at BIGINT)"
                ).run()
                try await database.sql.raw(
                    "INSERT INTO scratch VALUES ('a', 'first', 1, NULL), ('b', NULL, -9000000000, 1700000000000)"
                ).run()
                let expected = [
                    Read(id: "a", note: "first", count: 1, removedAt: nil),
                    Read(id: "b", note: nil, count: -9_000_000_000, removedAt: 1_700_000_000_000),
                ]
                for columns in ["*", "removed_at, count, note, id", "count, id, removed_at, note, count AS extra"] {
                    let rows = try await database.sql.raw("SELECT \(unsafeRaw: columns) FROM scratch ORDER BY id")
                        .all()
                    #expect(try rows.map(Self.read) == expected, "SELECT \(columns)")
                }

                // a column the row lacks, or a NULL where a value must be, fails as SQLRow's own decode fails
                let row = try #require(
                    try await database.sql.raw("SELECT id, note FROM scratch WHERE id = 'b'").first())
                var columns = RowColumns(row)
                #expect(throws: (any Error).self) { try columns.int64("count") }
                #expect(throws: (any Error).self) { try columns.text("note") }
                #expect(try columns.text("id") == "b")
                #expect(throws: (any Error).self) { try columns.rawValue("id", as: LeadStatus.self) }
            }
        }
    }

    @Test func aTextColumnHoldingANumberIsReadAsSQLRowReadsIt() async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                // SQLite keeps what it is given: an integer in a column declared TEXT stays an integer
                let row = try #require(try await database.sql.raw("SELECT 42 AS id, '7' AS count").first())
                var columns = RowColumns(row)
                let id = try? columns.text("id")
                let count = try? columns.int64("count")
                #expect(id == (try? row.decode(column: "id", as: String.self)))
                #expect(count == (try? row.decode(column: "count", as: Int64.self)))
            }
        }
    }
}
