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

    /// Events recorded before migration 18 join the timelines of the records they name, as new ones do.
    @Test(arguments: TestDatabase.available)
    func theTimelineIndexIsFilledForEventsRecordedBefore(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                let dialect = database.dialect
                try await database.transaction { tx in
                    for migration in Migrator.all where migration.version < 18 {
                        try await migration.apply(on: tx, dialect: dialect)
                    }
                    try await tx.raw(
                        """
                        INSERT INTO workspaces (id, agent_id, name, currency, time_zone, created_at, updated_at)
                        VALUES ('wsp_old', 'old-agent', 'Old', 'USD', 'UTC', 1, 1)
                        """
                    ).run()
                    for (id, type, data) in [
                        ("evt_1", "lead.created", #"{"id":"lead_1","name":"Ada","clientId":null}"#),
                        ("evt_2", "showing.requested", #"{"id":"shw_1","clientId":"cli_1","listingId":"lst_1"}"#),
                        ("evt_3", "webhook.test", #"{"id":"whk_1"}"#),
                    ] {
                        try await tx.raw(
                            """
                            INSERT INTO events (id, workspace_id, type, data, occurred_at)
                            VALUES (\(bind: id), 'wsp_old', \(bind: type), \(bind: data), 5)
                            """
                        ).run()
                    }
                    try await Migrator.all.first { $0.version == 18 }!.apply(on: tx, dialect: dialect)
                }
                let rows = try await database.sql.select().column("subject_id").column("event_id")
                    .from("event_subjects").all()
                    .map {
                        "\(try $0.decode(column: "subject_id", as: String.self))@\(try $0.decode(column: "event_id", as: String.self))"
                    }
                #expect(Set(rows) == ["lead_1@evt_1", "shw_1@evt_2", "cli_1@evt_2", "lst_1@evt_2"])
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
