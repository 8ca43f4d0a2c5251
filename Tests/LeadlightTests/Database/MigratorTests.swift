import Foundation
import SQLKit
import Testing

@testable import Leadlight

@Suite struct MigratorTests {
    @Test(arguments: TestDatabase.available)
    func migrationsApplyOnceEachAndAreRecorded(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                let first = try await Migrator(database: database).migrate(logger: TestDatabase.logger)
                #expect(first == Migrator.all.map(\.name))
                let second = try await Migrator(database: database).migrate(logger: TestDatabase.logger)
                #expect(second.isEmpty)
                let versions = try await database.sql.select().column("version").from("schema_migrations")
                    .orderBy("version").all().map { try $0.decode(column: "version", as: Int.self) }
                #expect(versions == Migrator.all.map(\.version))
            }
        }
    }

    @Test func sqliteIsSetUpForAServer() async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            let database = try await LeadlightDatabase.open(location, logger: TestDatabase.logger)
            let mode = try await database.transaction { tx in
                try await tx.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
            }
            let foreignKeys = try await database.transaction { tx in
                try await tx.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self)
            }
            await database.close()
            #expect(mode == "wal")
            #expect(foreignKeys == 1)
        }
    }

    @Test func theDatabaseURLSelectsTheDatabase() {
        #expect(DatabaseLocation(nil) == .sqlite(path: "leadlight.sqlite"))
        #expect(DatabaseLocation("postgres://u:p@h/db") == .postgres(url: "postgres://u:p@h/db"))
        #expect(DatabaseLocation("postgresql://h/db") == .postgres(url: "postgresql://h/db"))
        #expect(DatabaseLocation("/var/lib/leadlight/data.sqlite") == .sqlite(path: "/var/lib/leadlight/data.sqlite"))
        #expect(DatabaseLocation("sqlite://data.sqlite") == .sqlite(path: "data.sqlite"))
        #expect(!DatabaseLocation("postgres://u:secret@h/db").description.contains("secret"))
    }
}
