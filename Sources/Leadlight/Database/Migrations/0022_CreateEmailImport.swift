import Foundation
import SQLKit

/// Email import: each workspace's inbound address (its token kept only as a hash; the address is derived
/// again from a server key to be shown) and every email received, with the lead it made or why it was
/// skipped, and the message as received. `message_key` (the Message-ID, or a hash of a message without one)
/// is unique per workspace, so an email sent twice makes one lead.
struct CreateEmailImport: Migration {
    let version = 22

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        let bytes = dialect == .postgres ? "BYTEA" : "BLOB"
        try await database.raw(
            """
            CREATE TABLE email_import_addresses (
                workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
                generation BIGINT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw(
            """
            CREATE TABLE inbound_emails (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                message_key TEXT NOT NULL,
                received_at BIGINT NOT NULL,
                format TEXT NOT NULL,
                from_address TEXT,
                subject TEXT NOT NULL,
                outcome TEXT NOT NULL,
                reason TEXT,
                lead_id TEXT,
                original \(unsafeRaw: bytes) NOT NULL,
                UNIQUE (workspace_id, message_key)
            )
            """
        ).run()
        try await database.raw("CREATE INDEX inbound_emails_received ON inbound_emails (workspace_id, received_at)")
            .run()
        try await database.raw("CREATE INDEX inbound_emails_lead ON inbound_emails (workspace_id, lead_id)").run()
        try await database.insert(into: "server_secrets")
            .columns("name", "value", "created_at")
            .values(
                SQLBind(ServerSecrets.inboundAddressKey), SQLBind(ServerSecrets.random()),
                SQLBind(Date().millisecondsSince1970)
            )
            .run()
    }
}
