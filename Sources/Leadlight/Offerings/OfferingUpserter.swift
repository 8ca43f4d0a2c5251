import Foundation
import SQLKit

/// The idempotent upsert behind `POST /api/v1/products` (DESIGN.md, Offerings): each row matches the
/// workspace's offering by sku, else by externalId; it is created, updated, reported unchanged (and not
/// written), or failed with its errors. The valid rows of one call are written in one transaction.
package struct OfferingUpserter: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock

    package init(database: LeadlightDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    package static let maxRows = 1000

    package enum Status: String, Sendable, Codable {
        case created, updated, unchanged, failed
    }

    /// What became of one row, in input order.
    package struct RowResult: Sendable {
        package var index: Int
        package var status: Status
        package var id: Offering.ID?
        /// The offering as stored now; nil for a row found unchanged by its fingerprint alone.
        package var offering: Offering?
        package var sku: String?
        package var externalID: String?
        package var errors: [FieldError] = []
    }

    /// Too many rows for one call: nothing is written.
    package struct TooManyRows: Error {
        package var count: Int
    }

    /// A dry run does everything but commit: the results are what a real run would answer now, and nothing of
    /// it is kept (its transaction is rolled back). `matchingExternalIDFirst` matches a row by its externalId
    /// when it has one, and by sku only when not (a pull from another system, whose ids are the keys): a sku
    /// that another offering has then fails the row rather than matching it.
    package func upsert(
        _ rows: [OfferingRow], in workspace: Workspace, dryRun: Bool = false, matchingExternalIDFirst: Bool = false
    ) async throws -> [RowResult] {
        guard rows.count <= Self.maxRows else { throw TooManyRows(count: rows.count) }
        var results = rows.enumerated().map { index, row in
            RowResult(index: index, status: .failed, sku: row.reportedSKU, externalID: row.reportedExternalID)
        }
        let changes = Self.validate(rows, into: &results)
        // The first pass looks stored offerings up by sku, and by externalId only where a row's externalId is
        // not its sku: a sync job's rows nearly always match by sku, and this halves the lookup. If a new row's
        // externalId (its sku by default) belongs to another offering, or another request inserts the same new
        // sku between our read and our write (PostgreSQL), the unique index refuses the write, nothing of it
        // is kept, and the next pass looks every key up, reporting such a row as failed.
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await self.write(
                    changes, results: results, in: workspace, lookUpEveryKey: attempt > 1 || matchingExternalIDFirst,
                    dryRun: dryRun, externalIDFirst: matchingExternalIDFirst)
            } catch  where attempt < 3 && UniqueViolation.matches(error) {
                continue
            }
        }
    }

    /// Checks each row alone, then the batch as a whole: a sku or externalId seen earlier fails the later row.
    /// The changes of row `i` are at index `i`, nil for a row that failed.
    private static func validate(_ rows: [OfferingRow], into results: inout [RowResult]) -> [OfferingChanges?] {
        var changes = [OfferingChanges?](repeating: nil, count: rows.count)
        var firstIndexBySKU: [String: Int] = .init(minimumCapacity: rows.count)
        var firstIndexByExternalID: [String: Int] = .init(minimumCapacity: rows.count)
        for (index, row) in rows.enumerated() {
            let validated: OfferingChanges
            do {
                validated = try OfferingChanges(validating: row)
            } catch let failure as ValidationFailure {
                results[index].errors = failure.fields
                continue
            } catch {
                results[index].errors = [FieldError(field: "body", message: "could not be read")]
                continue
            }
            guard validated.matchKey != nil else {
                results[index].errors = [
                    FieldError(
                        field: "externalId",
                        message: "is required when there is no sku: it is how a re-run finds this offering again"
                    )
                ]
                continue
            }
            if let sku = validated.sku.value {
                if let first = firstIndexBySKU[sku] {
                    results[index].errors = [
                        FieldError(field: "sku", message: "appears earlier in this batch, at index \(first)")
                    ]
                    continue
                }
                firstIndexBySKU[sku] = index
            }
            if let externalID = validated.externalID.value ?? validated.sku.value {
                if let first = firstIndexByExternalID[externalID] {
                    results[index].errors = [
                        FieldError(field: "externalId", message: "appears earlier in this batch, at index \(first)")
                    ]
                    continue
                }
                firstIndexByExternalID[externalID] = index
            }
            changes[index] = validated
        }
        return changes
    }

    private func write(
        _ changes: [OfferingChanges?],
        results: [RowResult],
        in workspace: Workspace,
        lookUpEveryKey: Bool,
        dryRun: Bool,
        externalIDFirst: Bool
    ) async throws -> [RowResult] {
        let now = self.clock.now
        let skus = changes.compactMap { $0?.sku.value }
        let externalIDs = changes.compactMap { change -> String? in
            guard let change else { return nil }
            guard let externalID = change.externalID.value ?? change.sku.value else { return nil }
            return lookUpEveryKey || externalID != change.sku.value ? externalID : nil
        }
        return try await self.database.transaction(dryRun: dryRun) { tx in
            let store = OfferingStore(database: tx)
            let keys = try await store.matchingKeys(skus: skus, externalIDs: externalIDs, in: workspace.id)
            var bySKU: [String: OfferingStore.StoredKey] = .init(minimumCapacity: keys.count)
            var byExternalID: [String: OfferingStore.StoredKey] = .init(minimumCapacity: keys.count)
            for key in keys {
                if let sku = key.sku { bySKU[sku] = key }
                if let externalID = key.externalID { byExternalID[externalID] = key }
            }
            var results = results
            // A row whose stored offering was last written from the very same changes is unchanged: no need
            // to read and merge the whole offering. The others are read in one query.
            var pending: [(index: Int, key: OfferingStore.StoredKey?)] = []
            for (index, change) in changes.enumerated() {
                guard let change else { continue }
                let key: OfferingStore.StoredKey? =
                    switch externalIDFirst
                        ? change.externalID.value.map(OfferingChanges.MatchKey.externalID) ?? change.matchKey!
                        : change.matchKey!
                    {
                    case .sku(let sku): bySKU[sku]
                    case .externalID(let externalID): byExternalID[externalID]
                    }
                if let key, key.upsertFingerprint == change.fingerprint {
                    results[index].status = .unchanged
                    results[index].id = key.id
                    results[index].sku = key.sku
                    results[index].externalID = key.externalID
                } else {
                    pending.append((index, key))
                }
            }
            let stored = try await store.find(pending.compactMap { $0.key?.id }, in: workspace.id)

            var created: [Offering] = []
            var updated: [Offering] = []
            var rekeyed: [Offering] = []  // updated with a new sku or externalId
            var refingerprinted: [Offering] = []  // unchanged, but last written from other changes
            for (index, key) in pending {
                let change = changes[index]!
                let existing = key.flatMap { stored[$0.id] }
                do {
                    var offering =
                        try existing.map { try change.applied(to: $0) }
                        ?? change.makeOffering(
                            id: .generate(), in: workspace.id, defaultCurrency: workspace.currency, at: now
                        )
                    if let externalID = offering.externalID, let owner = byExternalID[externalID],
                        owner.id != offering.id
                    {
                        throw ValidationFailure(
                            field: "externalId", message: "already belongs to another offering, \(owner.id)"
                        )
                    }
                    if let sku = offering.sku, let owner = bySKU[sku], owner.id != offering.id {
                        throw ValidationFailure(
                            field: "sku", message: "already belongs to another offering, \(owner.id)")
                    }
                    offering.upsertFingerprint = change.fingerprint
                    if let existing {
                        if offering.hasSameContent(as: existing) {
                            results[index].status = .unchanged
                            refingerprinted.append(offering)
                        } else {
                            offering.updatedAt = now
                            if offering.sku == existing.sku && offering.externalID == existing.externalID {
                                updated.append(offering)
                            } else {
                                rekeyed.append(offering)
                            }
                            results[index].status = .updated
                        }
                    } else {
                        created.append(offering)
                        results[index].status = .created
                    }
                    results[index].id = offering.id
                    results[index].offering = offering
                    results[index].sku = offering.sku
                    results[index].externalID = offering.externalID
                } catch let failure as ValidationFailure {
                    results[index].errors = failure.fields
                }
            }
            try await store.insert(created)
            try await store.update(updated, keysUnchanged: true)
            try await store.update(rekeyed)
            try await store.recordFingerprints(of: refingerprinted)
            return results
        }
    }
}
