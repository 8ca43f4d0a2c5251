import SQLKit

/// How many leads, clients, listings and showings a workspace holds, per state and archived or not, kept by
/// triggers in the same transaction as the change: a list's `total` and the board's columns read a few rows of
/// `record_counts` instead of counting thousands of index entries (`COUNT(*)` over 10,000 leads was three
/// quarters of an uncached list request).
///
/// On SQLite one writer runs at a time, so each key has one row (`shard` 0). On PostgreSQL transactions run side
/// by side, and one row per key would make every create in a workspace wait for the one before it to commit:
/// each server connection (`pg_backend_pid()`) keeps its own rows, never locked by another, and a read adds them
/// up. `RecordCounts.fold` gathers the rows of connections that have ended into shard 0 when a server starts.
struct CountRecords: Migration {
    let version = 24

    /// (table, the column its lists filter by besides `archived_at`)
    static let tables = [
        ("leads", "status"), ("clients", "buying_stage"), ("listings", "status"), ("showings", "status"),
    ]

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE record_counts (
                workspace_id TEXT NOT NULL,
                record TEXT NOT NULL,
                archived BOOLEAN NOT NULL,
                state TEXT NOT NULL,
                shard BIGINT NOT NULL,
                n BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, record, archived, state, shard)
            )
            """
        ).run()
        for (table, state) in Self.tables {
            try await database.raw(
                """
                INSERT INTO record_counts (workspace_id, record, archived, state, shard, n)
                SELECT workspace_id, '\(unsafeRaw: table)', archived_at IS NOT NULL, \(unsafeRaw: state), 0, COUNT(*)
                FROM \(unsafeRaw: table) GROUP BY workspace_id, archived_at IS NOT NULL, \(unsafeRaw: state)
                """
            ).run()
            switch dialect {
            case .sqlite: try await Self.sqliteTriggers(table, state, on: database)
            case .postgres: try await Self.postgresTriggers(table, state, on: database)
            }
        }
    }

    /// `row` is `NEW` or `OLD`; `delta` is `1` or `-1`.
    private static func count(_ row: String, _ delta: String, _ table: String, _ state: String, shard: String)
        -> String
    {
        """
        INSERT INTO record_counts (workspace_id, record, archived, state, shard, n)
        VALUES (\(row).workspace_id, '\(table)', \(row).archived_at IS NOT NULL, \(row).\(state), \(shard), \(delta))
        ON CONFLICT (workspace_id, record, archived, state, shard) DO UPDATE SET n = record_counts.n + \(delta);
        """
    }

    /// An update moves the row's count only when its workspace, its archived state or its state changed.
    private static func moved(_ state: String) -> String {
        """
        OLD.workspace_id <> NEW.workspace_id OR (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL)
            OR OLD.\(state) <> NEW.\(state)
        """
    }

    private static func sqliteTriggers(_ table: String, _ state: String, on database: any SQLDatabase) async throws {
        let statements = [
            """
            CREATE TRIGGER \(table)_counted_insert AFTER INSERT ON \(table) BEGIN
            \(Self.count("NEW", "1", table, state, shard: "0"))
            END
            """,
            """
            CREATE TRIGGER \(table)_counted_delete AFTER DELETE ON \(table) BEGIN
            \(Self.count("OLD", "-1", table, state, shard: "0"))
            END
            """,
            """
            CREATE TRIGGER \(table)_counted_update AFTER UPDATE OF workspace_id, archived_at, \(state) ON \(table)
            WHEN \(Self.moved(state)) BEGIN
            \(Self.count("OLD", "-1", table, state, shard: "0"))
            \(Self.count("NEW", "1", table, state, shard: "0"))
            END
            """,
        ]
        for statement in statements { try await database.raw(SQLQueryString(statement)).run() }
    }

    private static func postgresTriggers(_ table: String, _ state: String, on database: any SQLDatabase) async throws {
        let statements = [
            """
            CREATE FUNCTION \(table)_counted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    \(Self.count("OLD", "-1", table, state, shard: "pg_backend_pid()"))
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    \(Self.count("NEW", "1", table, state, shard: "pg_backend_pid()"))
                END IF;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER \(table)_counted AFTER INSERT OR DELETE ON \(table)
            FOR EACH ROW EXECUTE FUNCTION \(table)_counted()
            """,
            """
            CREATE TRIGGER \(table)_counted_update AFTER UPDATE OF workspace_id, archived_at, \(state) ON \(table)
            FOR EACH ROW WHEN (\(Self.moved(state))) EXECUTE FUNCTION \(table)_counted()
            """,
        ]
        for statement in statements { try await database.raw(SQLQueryString(statement)).run() }
    }
}
