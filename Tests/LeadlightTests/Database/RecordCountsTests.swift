import Foundation
import SQLKit
import Testing

@testable import Leadlight

/// `record_counts` is kept by triggers; whatever the rows go through, it says what `COUNT(*)` says.
@Suite struct RecordCountsTests {
    /// Every (workspace, record, archived, state) with its count, by `COUNT(*)` over the tables themselves.
    private static func counted(_ sql: any SQLDatabase) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for (table, state) in CountRecords.tables {
            let rows = try await sql.raw(
                """
                SELECT workspace_id, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END AS archived,
                    \(unsafeRaw: state) AS state, COUNT(*) AS n
                FROM \(unsafeRaw: table) GROUP BY 1, 2, 3
                """
            ).all()
            for row in rows {
                let key = [
                    try row.decode(column: "workspace_id", as: String.self), table,
                    "\(try row.decode(column: "archived", as: Int.self))",
                    try row.decode(column: "state", as: String.self),
                ]
                counts[key.joined(separator: "/")] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }

    /// The same keys as `counted`, read the way the lists read them.
    private static func kept(_ sql: any SQLDatabase) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let keys = try await sql.raw("SELECT DISTINCT workspace_id, record, archived, state FROM record_counts").all()
        for row in keys {
            let workspace = try row.decode(column: "workspace_id", as: String.self)
            let record = try row.decode(column: "record", as: String.self)
            let archived = try row.decode(column: "archived", as: Bool.self)
            let state = try row.decode(column: "state", as: String.self)
            let total = try await RecordCounts(database: sql).total(
                .init(
                    record: RecordCounts.Record(rawValue: record)!, workspace: Workspace.ID(rawValue: workspace),
                    archived: archived, state: state))
            if total != 0 { counts["\(workspace)/\(record)/\(archived ? 1 : 0)/\(state)"] = total }
        }
        return counts
    }

    private static func insertWorkspace(_ id: String, _ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO workspaces (id, agent_id, name, currency, time_zone, created_at, updated_at)
            VALUES (\(bind: id), \(bind: "agent-" + id), 'W', 'USD', 'UTC', 1, 1)
            """
        ).run()
    }

    /// Leads, clients, listings and showings created, moved between states, archived, brought back and
    /// deleted, in two workspaces, one transaction or several at a time.
    private static func churn(_ sql: any SQLDatabase, seed: UInt64) async throws {
        var random = SeededGenerator(seed: seed)
        let round = "r\(seed)_"
        let leadStatuses = ["new", "contacted", "qualified", "unqualified", "converted"]
        let stages = ["New", "Searching", "Touring", "Offer", "Under Contract", "Closed", "Lost"]
        for index in 0..<60 {
            let workspace = index % 3 == 0 ? "wsp_b" : "wsp_a"
            let status = leadStatuses[Int(random.next() % 5)]
            let stage = stages[Int(random.next() % 7)]
            try await sql.raw(
                """
                INSERT INTO leads (id, workspace_id, name, status, created_at, updated_at)
                VALUES (\(bind: "lead_\(round)\(index)"), \(bind: workspace), 'L', \(bind: status), \(bind: index), 1)
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO clients (id, workspace_id, name, email, buying_stage, stage_changed_at, created_at, updated_at)
                VALUES (\(bind: "cli_\(round)\(index)"), \(bind: workspace), 'C', \(bind: "c\(round)\(index)@example.com"), \(bind: stage), 1, \(bind: index), 1)
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO listings (id, workspace_id, address, price_units, status, created_at, updated_at)
                VALUES (\(bind: "lst_\(round)\(index)"), \(bind: workspace), '1 Main St', 1, \(bind: index % 2 == 0 ? "active" : "sold"), \(bind: index), 1)
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO showings (id, workspace_id, client_id, listing_id, status, created_at, updated_at)
                VALUES (\(bind: "shw_\(round)\(index)"), \(bind: workspace), \(bind: "cli_\(round)\(index)"), \(bind: "lst_\(round)\(index)"),
                    'requested', \(bind: index), 1)
                """
            ).run()
        }
        for _ in 0..<200 {
            let index = Int(random.next() % 60)
            switch random.next() % 6 {
            case 0:
                let status = leadStatuses[Int(random.next() % 5)]
                try await sql.raw(
                    "UPDATE leads SET status = \(bind: status) WHERE id = \(bind: "lead_\(round)\(index)")"
                ).run()
            case 1:
                let stage = stages[Int(random.next() % 7)]
                try await sql.raw(
                    "UPDATE clients SET buying_stage = \(bind: stage) WHERE id = \(bind: "cli_\(round)\(index)")"
                )
                .run()
            case 2:
                for table in ["leads", "clients", "listings", "showings"] {
                    let prefix = ["leads": "lead", "clients": "cli", "listings": "lst", "showings": "shw"][table]!
                    try await sql.raw(
                        "UPDATE \(unsafeRaw: table) SET archived_at = \(bind: Int64(index)) WHERE id = \(bind: "\(prefix)_\(round)\(index)")"
                    ).run()
                }
            case 3:
                try await sql.raw("UPDATE leads SET archived_at = NULL WHERE id = \(bind: "lead_\(round)\(index)")")
                    .run()
            case 4:
                // Unchanged key: a name, or archived_at from one time to another, moves nothing.
                try await sql.raw(
                    "UPDATE leads SET name = 'Renamed', archived_at = archived_at + 1 WHERE id = \(bind: "lead_\(round)\(index)")"
                )
                .run()
            default:
                try await sql.raw("DELETE FROM leads WHERE id = \(bind: "lead_\(round)\(index)")").run()
                try await sql.raw("UPDATE showings SET status = 'confirmed' WHERE id = \(bind: "shw_\(round)\(index)")")
                    .run()
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func theCountsSayWhatCountingSaysWhateverTheRowsGoThrough(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await Migrator(database: database).migrate(logger: TestDatabase.logger)
                try await database.transaction { tx in
                    try await Self.insertWorkspace("wsp_a", tx)
                    try await Self.insertWorkspace("wsp_b", tx)
                }
                try await database.transaction { tx in try await Self.churn(tx, seed: 1) }
                let counted = try await Self.counted(database.sql)
                #expect(counted.isEmpty == false)
                #expect(try await Self.kept(database.sql) == counted)
                // A transaction rolled back leaves the counts as they were.
                await #expect(throws: (any Error).self) {
                    try await database.transaction { tx in
                        try await tx.raw("UPDATE leads SET status = 'contacted'").run()
                        try await tx.raw("DELETE FROM clients").run()
                        throw CancellationError()
                    }
                }
                #expect(try await Self.kept(database.sql) == counted)
                // The lists' totals.
                var query = LeadQuery()
                query.limit = 1
                let total = try await LeadStore(database: database.sql).list(query, in: Workspace.ID(rawValue: "wsp_a"))
                    .total
                let expected = counted.filter { $0.key.hasPrefix("wsp_a/leads/0/") }.values.reduce(0, +)
                #expect(total == expected)
                query.status = .contacted
                #expect(
                    try await LeadStore(database: database.sql).list(query, in: Workspace.ID(rawValue: "wsp_a")).total
                        == counted["wsp_a/leads/0/contacted", default: 0])
            }
        }
    }

    /// Rows stored before the counts existed are counted by the migration that adds them.
    @Test(arguments: TestDatabase.available)
    func rowsStoredBeforeTheMigrationAreCounted(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                let dialect = database.dialect
                try await database.transaction { tx in
                    for migration in Migrator.all where migration.version < CountRecords().version {
                        try await migration.apply(on: tx, dialect: dialect)
                    }
                    try await Self.insertWorkspace("wsp_a", tx)
                    try await Self.insertWorkspace("wsp_b", tx)
                    try await Self.churn(tx, seed: 2)
                    try await CountRecords().apply(on: tx, dialect: dialect)
                }
                #expect(try await Self.kept(database.sql) == (try await Self.counted(database.sql)))
                try await database.transaction { tx in try await Self.churn(tx, seed: 3) }
                #expect(try await Self.kept(database.sql) == (try await Self.counted(database.sql)))
            }
        }
    }

    /// PostgreSQL: creates on many connections at once each count on their own connection's rows; a server
    /// starting folds the rows of connections that have ended into one, and every total stays the same.
    @Test func onPostgreSQLConcurrentCreatesCountAndEndedConnectionsAreFolded() async throws {
        guard TestDatabase.available.contains(.postgres) else { return }
        try await TestDatabase.postgres.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await Migrator(database: database).migrate(logger: TestDatabase.logger)
                try await database.transaction { tx in try await Self.insertWorkspace("wsp_a", tx) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            for index in 0..<25 {
                                try await database.transaction { tx in
                                    try await tx.raw(
                                        """
                                        INSERT INTO leads (id, workspace_id, name, status, created_at, updated_at)
                                        VALUES (\(bind: "lead_\(worker)_\(index)"), 'wsp_a', 'L', 'new', 1, 1)
                                        """
                                    ).run()
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let selection = RecordCounts.Selection(
                    record: .leads, workspace: Workspace.ID(rawValue: "wsp_a"), archived: false, state: "new")
                #expect(try await RecordCounts(database: database.sql).total(selection) == 200)
                // A connection that has ended (no live backend has this pid).
                try await database.transaction { tx in
                    try await tx.raw(
                        """
                        INSERT INTO record_counts (workspace_id, record, archived, state, shard, n)
                        VALUES ('wsp_a', 'leads', FALSE, 'new', 2000000000, 5)
                        """
                    ).run()
                }
                try await Migrator(database: database).migrate(logger: TestDatabase.logger)
                #expect(try await RecordCounts(database: database.sql).total(selection) == 205)
                let ended = try await database.sql.raw(
                    "SELECT COUNT(*) AS n FROM record_counts WHERE shard = 2000000000"
                ).first()?.decode(column: "n", as: Int.self)
                #expect(ended == 0)
            }
        }
    }
}
