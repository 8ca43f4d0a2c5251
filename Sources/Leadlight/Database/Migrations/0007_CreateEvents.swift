import SQLKit

/// The outbox: every change the webhook catalogue names is recorded here in the same transaction as the
/// change itself (issue 4). `data` is the resource's public JSON; delivering it is the webhooks' job.
struct CreateEvents: Migration {
    let version = 7

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        // `seq` orders events as they were recorded, across processes; the syntax for it differs.
        let sequence =
            switch dialect {
            case .sqlite: "seq INTEGER PRIMARY KEY AUTOINCREMENT"
            case .postgres: "seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
            }
        try await database.raw(
            """
            CREATE TABLE events (
                \(unsafeRaw: sequence),
                id TEXT NOT NULL UNIQUE,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                type TEXT NOT NULL,
                data TEXT NOT NULL,
                occurred_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw("CREATE INDEX events_workspace_occurred ON events (workspace_id, occurred_at)").run()
    }
}
