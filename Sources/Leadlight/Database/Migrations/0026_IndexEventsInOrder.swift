import SQLKit

/// `GET /api/v1/events` reads a workspace's events newest first by `seq`, from a cursor: this index serves it
/// without reading the workspace's other events.
struct IndexEventsInOrder: Migration {
    let version = 26

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw("CREATE INDEX events_workspace_seq ON events (workspace_id, seq)").run()
    }
}
