import SQLKit

/// The counts `record_counts` keeps per workspace, record, archived or not and state (migration 24's triggers
/// write them in the change's own transaction, so they are as exact as `COUNT(*)`), read in a few rows.
struct RecordCounts: Sendable {
    /// A record whose lists are counted, and the state column the count is kept by.
    enum Record: String, Sendable {
        case leads, clients, listings, showings
    }

    /// What one list counts: a record's rows in use or archived, of one state or all.
    struct Selection: Sendable {
        var record: Record
        var workspace: Workspace.ID
        var archived: Bool
        var state: String?
    }

    let database: any SQLDatabase

    /// PostgreSQL's `SUM` of a `BIGINT` is a `NUMERIC`; the count is read back as an integer on both.
    private static let sum = SQLRaw("CAST(SUM(n) AS BIGINT)")

    /// How many rows the selection holds. (Written out rather than built: a list runs it on every request, and
    /// SQLKit's building and serializing of statements showed in the list's profile.)
    func total(_ selection: Selection) async throws -> Int {
        try await self.database.raw(Self.totalQuery(selection)).first()?.decodeIfPresent(column: "n", as: Int.self)
            ?? 0
    }

    /// `SELECT` the selection's total `AS n`: run alone, or read beside a page in its statement.
    static func totalQuery(_ selection: Selection) -> SQLQueryString {
        var query: SQLQueryString = """
            SELECT CAST(SUM(n) AS BIGINT) AS n FROM record_counts
            WHERE workspace_id = \(bind: selection.workspace.rawValue) AND record = \(bind: selection.record.rawValue)
                AND archived = \(bind: selection.archived)
            """
        if let state = selection.state { query = query + " AND state = \(bind: state)" }
        return query
    }

    /// How many rows of each state the record holds in use (a state without any is left out).
    func perState(_ record: Record, in workspace: Workspace.ID) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let rows = try await self.database.select().column("state")
            .column(Self.sum, as: "n")
            .from("record_counts")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("record", .equal, record.rawValue)
            .where("archived", .equal, false)
            .groupBy("state")
            .all()
        for row in rows {
            counts[try row.decode(column: "state", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    /// PostgreSQL: the rows of server connections that have ended, added into shard 0 and removed, so the table
    /// keeps one row per key and live connection. Run when a server starts, under the migrations' lock.
    static func fold(on database: any SQLDatabase) async throws {
        try await database.raw(
            """
            WITH ended AS (
                DELETE FROM record_counts
                WHERE shard <> 0 AND shard NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)
                RETURNING workspace_id, record, archived, state, n
            )
            INSERT INTO record_counts (workspace_id, record, archived, state, shard, n)
            SELECT workspace_id, record, archived, state, 0, SUM(n) FROM ended
            GROUP BY workspace_id, record, archived, state
            ON CONFLICT (workspace_id, record, archived, state, shard) DO UPDATE SET n = record_counts.n + excluded.n
            """
        ).run()
    }
}
