import SQLKit

/// Notes on a lead or a client, kept as written (append-only), and an index of which records each event is
/// about, so that a record's timeline — its notes and its events, newest first — is two index reads.
///
/// An event is about the records its data names: `id`, `clientId` and `listingId` (a showing's request is on its
/// client's timeline and its listing's; a lead's conversion, which names the client, on both). The index is
/// filled in the statement that records the event (a trigger on SQLite, the `WITH` of `Outbox.record` on
/// PostgreSQL), and here for the events recorded before.
struct CreateNotesAndTimeline: Migration {
    let version = 18

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw(
            """
            CREATE TABLE notes (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                subject_id TEXT NOT NULL,
                text TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw("CREATE INDEX notes_subject ON notes (workspace_id, subject_id, created_at, id)").run()
        try await database.raw(
            """
            CREATE TABLE event_subjects (
                workspace_id TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
                PRIMARY KEY (workspace_id, subject_id, occurred_at, event_id)
            )
            """
        ).run()
        switch dialect {
        case .sqlite:
            try await database.raw(
                """
                INSERT OR IGNORE INTO event_subjects (workspace_id, subject_id, occurred_at, event_id)
                SELECT e.workspace_id, s.value, e.occurred_at, e.id
                FROM events e, json_each(json_array(json_extract(e.data, '$.id'), json_extract(e.data, '$.clientId'),
                    json_extract(e.data, '$.listingId'))) s
                WHERE e.type <> 'webhook.test' AND s.value IS NOT NULL
                """
            ).run()
            try await database.raw(
                """
                CREATE TRIGGER events_index_subjects AFTER INSERT ON events
                WHEN NEW.type <> 'webhook.test'
                BEGIN
                    INSERT OR IGNORE INTO event_subjects (workspace_id, subject_id, occurred_at, event_id)
                    SELECT NEW.workspace_id, value, NEW.occurred_at, NEW.id
                    FROM json_each(json_array(json_extract(NEW.data, '$.id'), json_extract(NEW.data, '$.clientId'),
                        json_extract(NEW.data, '$.listingId')))
                    WHERE value IS NOT NULL;
                END
                """
            ).run()
        case .postgres:
            try await database.raw(
                """
                INSERT INTO event_subjects (workspace_id, subject_id, occurred_at, event_id)
                SELECT DISTINCT e.workspace_id, s.subject, e.occurred_at, e.id
                FROM events e CROSS JOIN LATERAL unnest(ARRAY[e.data::jsonb ->> 'id', e.data::jsonb ->> 'clientId',
                    e.data::jsonb ->> 'listingId']) AS s(subject)
                WHERE e.type <> 'webhook.test' AND s.subject IS NOT NULL
                ON CONFLICT DO NOTHING
                """
            ).run()
        }
    }
}
