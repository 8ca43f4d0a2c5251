import Foundation
import SQLKit

/// Changes to single offerings, for every surface alike: add one by hand (never taking over another's sku or
/// externalId), edit one, delete one. Batches go through `OfferingUpserter`, which these share their rules with.
package struct OfferingOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock

    package init(database: LeadlightDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    /// The sku or externalId belongs to another offering of the workspace already.
    package struct KeyTaken: Error, Sendable, Equatable {
        /// `sku` or `externalId`.
        package var field: String
        package var value: String
        /// The offering that has it, when known.
        package var existing: Offering.ID?
    }

    /// Adds a new offering from `row` (the upsert's reading and rules). Unlike an upsert, a sku or externalId
    /// already in the catalog is refused rather than updating that offering: a person adding one by hand means
    /// a new one. With neither key, the offering gets an externalId of its own (`manual-…`), so that a later
    /// upsert can never mistake it for one of its rows.
    package func add(_ row: OfferingRow, in workspace: Workspace) async throws -> Offering {
        var row = row
        let changes = try OfferingChanges(validating: row)
        if changes.matchKey == nil {
            row.externalId = .value("manual-\(UUID().uuidString.prefix(8).lowercased())")
        }
        let store = OfferingStore(database: self.database.sql)
        for (field, key) in [("sku", changes.sku.value), ("externalId", changes.externalID.value ?? changes.sku.value)]
        {
            guard let key else { continue }
            var query = OfferingQuery()
            if field == "sku" { query.sku = key } else { query.externalID = key }
            query.limit = 1
            if let existing = try await store.list(query, in: workspace.id).offerings.first {
                throw KeyTaken(field: field, value: key, existing: existing.id)
            }
        }
        let upserter = OfferingUpserter(database: self.database, clock: self.clock)
        guard let result = try await upserter.upsert([row], in: workspace).first else {
            throw ValidationFailure(field: "body", message: "could not be read")
        }
        guard result.status == .created, let offering = result.offering else {
            if !result.errors.isEmpty { throw ValidationFailure(result.errors) }
            // another request added the same key between our check and our write
            throw KeyTaken(field: "sku", value: changes.sku.value ?? "", existing: result.id)
        }
        return offering
    }

    /// Changes only the fields `row` sends; `null` clears an optional one. The upsert's rules apply.
    package func update(_ id: Offering.ID, with row: OfferingRow, in workspace: Workspace.ID) async throws -> Offering {
        let changes = try OfferingChanges(validating: row)
        let now = self.clock.now
        return try await self.database.transaction { tx in
            let store = OfferingStore(database: tx)
            guard let stored = try await store.find(id, in: workspace) else { throw NotFound("offering") }
            var offering = try changes.applied(to: stored)
            guard !offering.hasSameContent(as: stored) else { return stored }
            offering.updatedAt = now
            offering.upsertFingerprint = nil  // changed outside an upsert: the next upsert row must be merged
            do {
                try await store.update([offering])
            } catch  where UniqueViolation.matches(error, column: "sku") {
                throw KeyTaken(field: "sku", value: offering.sku ?? "", existing: nil)
            } catch  where UniqueViolation.matches(error, column: "external_id") {
                throw KeyTaken(field: "externalId", value: offering.externalID ?? "", existing: nil)
            }
            return offering
        }
    }

    /// Deletes the offering for good (offerings are a catalog, not a history).
    package func delete(_ id: Offering.ID, in workspace: Workspace.ID) async throws {
        let deleted = try await self.database.transaction { tx in
            try await OfferingStore(database: tx).delete(id, in: workspace)
        }
        guard deleted else { throw NotFound("offering") }
    }
}
