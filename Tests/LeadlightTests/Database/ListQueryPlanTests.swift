import Foundation
import SQLKit
import Testing

@testable import Leadlight

/// A page of the records in use is read off an index, newest first, not by sorting the whole workspace.
@Suite struct ListQueryPlanTests {
    @Test func onPostgreSQLAPageOfTheRecordsInUseIsReadOffAnIndex() async throws {
        guard TestDatabase.available.contains(.postgres) else { return }
        try await Self.withWorkspace(on: .postgres) { sql in
            try await sql.raw(
                """
                INSERT INTO leads (id, workspace_id, name, status, created_at, updated_at)
                SELECT 'lead_' || i, 'wsp_a', 'Lead', 'new', i, i FROM generate_series(1, 5000) i
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO clients (id, workspace_id, name, email, buying_stage, stage_changed_at, created_at,
                    updated_at)
                SELECT 'cli_' || i, 'wsp_a', 'Client', 'c' || i || '@example.com', 'New', i, i, i
                FROM generate_series(1, 5000) i
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO listings (id, workspace_id, address, price_units, status, created_at, updated_at)
                SELECT 'lst_' || i, 'wsp_a', '1 Main St', 1, 'active', i, i FROM generate_series(1, 5000) i
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO showings (id, workspace_id, client_id, listing_id, status, created_at, updated_at)
                SELECT 'shw_' || i, 'wsp_a', 'cli_1', 'lst_1', 'requested', i, i FROM generate_series(1, 5000) i
                """
            ).run()
            try await sql.raw("ANALYZE").run()
            for (table, filter) in [
                ("leads", ""), ("leads", " AND status = 'new'"), ("clients", ""),
                ("clients", " AND buying_stage = 'New'"), ("listings", " AND status = 'active'"),
                ("listings", ""), ("showings", ""),
            ] {
                let query =
                    "EXPLAIN SELECT * FROM \(table) WHERE workspace_id = 'wsp_a' AND archived_at IS NULL\(filter)"
                    + " ORDER BY created_at DESC, id DESC LIMIT 50 OFFSET 0"
                let plan = try await sql.raw(SQLQueryString(query)).all()
                    .map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                #expect(plan.contains("Index Scan Backward"), "\(table)\(filter):\n\(plan)")
                #expect(!plan.contains("Sort"), "\(table)\(filter):\n\(plan)")
            }
        }
    }

    /// The board reads each stage's newest cards off migration 29's index: nothing is sorted, whatever the number
    /// of clients.
    @Test(arguments: TestDatabase.available)
    func theBoardReadsEachStagesCardsOffAnIndex(_ kind: TestDatabase) async throws {
        try await Self.withWorkspace(on: kind) { sql in
            let stages = BuyingStage.allCases.map(\.rawValue)
            for batch in 0..<6 {
                let rows = (batch * 500..<(batch + 1) * 500).map { index -> SQLQueryString in
                    """
                    (\(bind: "cli_\(index)"), 'wsp_a', 'Client', \(bind: "c\(index)@example.com"), \
                    \(bind: stages[index % stages.count]), \(bind: index), 1, 1)
                    """
                }
                try await sql.raw(
                    """
                    INSERT INTO clients (id, workspace_id, name, email, buying_stage, stage_changed_at, created_at,
                        updated_at) VALUES \(rows.dropFirst().reduce(rows[0]) { $0 + ", " + $1 })
                    """
                ).run()
            }
            try await sql.raw("ANALYZE").run()
            let board = ClientPages.boardCards(in: Workspace.ID(rawValue: "wsp_a"), search: nil)
            let cards = try await sql.raw(board).all().map(Client.init(row:))
            #expect(cards.count == stages.count * ClientPages.cardsPerStage)
            for stage in BuyingStage.allCases {
                let shown = cards.filter { $0.buyingStage == stage }.map(\.stageChangedAt)
                #expect(shown.count == ClientPages.cardsPerStage && shown == shown.sorted(by: >))
            }
            let plan: [String]
            switch kind {
            case .sqlite:
                plan = try await sql.raw("EXPLAIN QUERY PLAN " + board).all()
                    .map { try $0.decode(column: "detail", as: String.self) }
                #expect(!plan.joined().contains("TEMP B-TREE"), "\(plan)")
            case .postgres:
                plan = try await sql.raw("EXPLAIN " + board).all()
                    .map { try $0.decode(column: "QUERY PLAN", as: String.self) }
                #expect(!plan.joined().contains("Sort"), "\(plan)")
            }
            #expect(plan.joined().contains("clients_board"), "\(plan)")
        }
    }

    /// A fresh, migrated database holding one workspace, `wsp_a`.
    private static func withWorkspace(
        on kind: TestDatabase, _ body: (any SQLDatabase) async throws -> Void
    ) async throws {
        try await kind.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await Migrator(database: database).migrate(logger: TestDatabase.logger)
                try await database.sql.raw(
                    """
                    INSERT INTO workspaces (id, agent_id, name, currency, time_zone, created_at, updated_at)
                    VALUES ('wsp_a', 'agent-a', 'A', 'USD', 'UTC', 1, 1)
                    """
                ).run()
                try await body(database.sql)
            }
        }
    }
}
