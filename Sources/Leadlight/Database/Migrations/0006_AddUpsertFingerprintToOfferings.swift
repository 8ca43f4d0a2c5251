import SQLKit

/// The fingerprint of the upsert row an offering was last written from (`OfferingChanges.fingerprint`), so a
/// re-run of the same row is recognised as unchanged without reading and merging the whole stored offering.
struct AddUpsertFingerprintToOfferings: Migration {
    let version = 6

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw("ALTER TABLE offerings ADD COLUMN upsert_fingerprint TEXT").run()
    }
}
