import Foundation
import SQLKit

/// A photo per listing, uploaded in the dashboard and shown on the agent's public site. Kept in the database, as
/// the agent's own photo is, so every server process on one PostgreSQL serves it; gone with its listing.
struct CreateListingPhotos: Migration {
    let version = 23

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        let bytes = dialect == .postgres ? "BYTEA" : "BLOB"
        try await database.raw(
            """
            CREATE TABLE listing_photos (
                listing_id TEXT PRIMARY KEY REFERENCES listings(id) ON DELETE CASCADE,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                content_type TEXT NOT NULL,
                file_name TEXT NOT NULL,
                size BIGINT NOT NULL,
                content \(unsafeRaw: bytes) NOT NULL,
                uploaded_at BIGINT NOT NULL
            )
            """
        ).run()
    }
}
