import Foundation
import SQLKit

/// The agent's public site (`/a/{agentId}`): the profile it shows, the files an agent uploads for it (a photo
/// and a guide, kept in the database so every server process on one PostgreSQL serves them), the consents
/// visitors give, the sign-ups that wait for their email to be confirmed, and the key that signs the site's
/// form tokens, made once per database so every process checks the same signatures.
struct CreatePublicSite: Migration {
    let version = 21

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        let bytes = dialect == .postgres ? "BYTEA" : "BLOB"
        try await database.raw(
            """
            CREATE TABLE public_profiles (
                workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
                display_name TEXT,
                headline TEXT,
                about TEXT,
                email TEXT,
                phone TEXT,
                guide_title TEXT,
                bots_caught BIGINT NOT NULL DEFAULT 0,
                updated_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw(
            """
            CREATE TABLE public_files (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                content_type TEXT NOT NULL,
                file_name TEXT NOT NULL,
                size BIGINT NOT NULL,
                content \(unsafeRaw: bytes) NOT NULL,
                uploaded_at BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, kind)
            )
            """
        ).run()
        try await database.raw(
            """
            CREATE TABLE consents (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                subject_id TEXT NOT NULL,
                text TEXT NOT NULL,
                page TEXT NOT NULL,
                given_at BIGINT NOT NULL
            )
            """
        ).run()
        try await database.raw("CREATE INDEX consents_subject ON consents (workspace_id, subject_id)").run()
        try await database.raw(
            """
            CREATE TABLE client_signups (
                token_hash TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                email TEXT NOT NULL,
                phone TEXT,
                consent_text TEXT,
                consent_page TEXT,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                confirmed_at BIGINT
            )
            """
        ).run()
        try await database.raw("CREATE INDEX client_signups_email ON client_signups (workspace_id, email)").run()
        try await database.raw(
            "CREATE TABLE server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_at BIGINT NOT NULL)"
        ).run()
        try await database.insert(into: "server_secrets")
            .columns("name", "value", "created_at")
            .values(
                SQLBind(ServerSecrets.formSigningKey), SQLBind(ServerSecrets.random()),
                SQLBind(Date().millisecondsSince1970)
            )
            .run()
    }
}
