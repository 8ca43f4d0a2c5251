import SQLKit

/// Request counts per key per minute, shared by every server process on one PostgreSQL.
struct CreateRateLimitWindows: Migration {
    let version = 4

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE rate_limit_windows (
                bucket TEXT NOT NULL,
                window_start BIGINT NOT NULL,
                request_count INTEGER NOT NULL,
                PRIMARY KEY (bucket, window_start)
            )
            """
        ).run()
    }
}
