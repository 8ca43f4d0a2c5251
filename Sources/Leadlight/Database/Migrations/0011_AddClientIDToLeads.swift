import SQLKit

/// A converted lead points at the client it became.
struct AddClientIDToLeads: Migration {
    let version = 11

    func apply(on database: any SQLDatabase, dialect: DatabaseDialect) async throws {
        try await database.raw("ALTER TABLE leads ADD COLUMN client_id TEXT REFERENCES clients(id)").run()
    }
}
