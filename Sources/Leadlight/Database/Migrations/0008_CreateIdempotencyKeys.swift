import SQLKit

/// Answers to `POST` requests sent with an `Idempotency-Key`, kept 24 hours so a retry gets the first answer
/// again and creates nothing (issue 4, as Stripe's API does). In the database, so it holds across processes.
struct CreateIdempotencyKeys: Migration {
    let version = 8

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE idempotency_keys (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                idempotency_key TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                status_code INTEGER NOT NULL,
                response_body TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, idempotency_key)
            )
            """
        ).run()
    }
}
