import SQLKit

/// The pipeline board shows the clients most recently moved into each stage (`ClientPages.boardCards`): with
/// this index each stage's are the first rows of its range, read without looking at the rest. Before, one
/// statement numbered every client of the workspace by stage and sorted them, a third of the board's time with
/// 2,000 clients (docs/BENCHMARKS.md). On PostgreSQL the index holds the clients in use only, as migration 25's
/// do (its planner does not take `IS NULL` on a leading column as fixing it).
struct IndexTheBoard: Migration {
    let version = 29

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        switch dialect {
        case .sqlite:
            try await database.raw(
                "CREATE INDEX clients_board ON clients (workspace_id, archived_at, buying_stage, stage_changed_at, id)"
            ).run()
        case .postgres:
            try await database.raw(
                """
                CREATE INDEX clients_board ON clients (workspace_id, buying_stage, stage_changed_at, id)
                WHERE archived_at IS NULL
                """
            ).run()
        }
    }
}
