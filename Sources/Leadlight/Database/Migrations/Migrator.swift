import Foundation
import Logging
import SQLKit

/// Applies the migrations a database has not seen yet, each exactly once, recorded in `schema_migrations`.
package struct Migrator: Sendable {
    /// Every migration, in order. Appending one is how the schema changes.
    static let all: [any Migration] = [
        CreateWorkspaces(),
        CreateUsers(),
        CreateAPIKeys(),
        CreateRateLimitWindows(),
        CreateOfferings(),
        AddUpsertFingerprintToOfferings(),
        CreateEvents(),
        CreateIdempotencyKeys(),
        CreateLeads(),
        CreateClients(),
        AddClientIDToLeads(),
        CreateListings(),
        CreateShowings(),
        CreateWebhooks(),
        IndexListsNewestFirst(),
        QueueWebhookDeliveriesOnSQLite(),
        ArchiveRecords(),
        CreateNotesAndTimeline(),
        CreateDashboardSessions(),
        AddAPIKeyExpiry(),
        CreatePublicSite(),
        CreateEmailImport(),
        CreateListingPhotos(),
        CountRecords(),
        IndexRecordsInUseOnPostgreSQL(),
        IndexEventsInOrder(),
        CreateImports(),
        CreateHubSpotConnections(),
        IndexTheBoard(),
    ]

    let database: LeadlightDatabase
    let clock: WallClock

    package init(database: LeadlightDatabase, clock: WallClock = .system) {
        self.database = database
        self.clock = clock
    }

    /// Runs all pending migrations in one transaction and returns the names of those applied.
    ///
    /// Several servers starting at once against one PostgreSQL take an advisory lock first, so exactly
    /// one of them migrates; on SQLite the write transaction itself serialises them.
    @discardableResult
    package func migrate(logger: Logger) async throws -> [String] {
        let dialect = self.database.dialect
        let now = self.clock.now.millisecondsSince1970
        let applied = try await self.database.transaction { tx in
            if dialect == .postgres {
                try await tx.raw("SELECT pg_advisory_xact_lock(\(literal: 7_410_241_777))").run()
            }
            try await tx.raw(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at BIGINT NOT NULL
                )
                """
            ).run()
            let done = Set(
                try await tx.select().column("version").from("schema_migrations").all()
                    .map { try $0.decode(column: "version", as: Int.self) }
            )
            var applied: [String] = []
            for migration in Self.all.sorted(by: { $0.version < $1.version }) where !done.contains(migration.version) {
                try await migration.apply(on: tx, dialect: dialect)
                try await tx.insert(into: "schema_migrations")
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(now))
                    .run()
                applied.append(migration.name)
            }
            if dialect == .postgres {
                try await RecordCounts.fold(on: tx)
            }
            return applied
        }
        for name in applied {
            logger.info("Applied migration", metadata: ["migration": .string(name)])
        }
        return applied
    }
}
