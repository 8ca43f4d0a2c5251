import Foundation
import SQLKit

extension ClientOperations {
    /// Brings in rows of a contact list, in one transaction (rolled back in a dry run): each row finds its client
    /// by email (one client per email), or, for a row without one, by phone, and updates it (a new buying stage
    /// recorded as `client.stage_changed`, as `update` does) or is found unchanged; a row that finds none creates a
    /// client (`client.created`; a name and an email are required). One outcome per row, in order.
    package func importRows(_ rows: [ClientChanges], in workspace: Workspace.ID, dryRun: Bool) async throws
        -> [ImportOutcome]
    {
        let now = self.clock.now
        return try await self.database.transaction(dryRun: dryRun) { tx in
            // two imports into one workspace at once take turns, so neither makes a client the other is making
            try await LeadlightDatabase.lockForTransaction(scope: 2, key: workspace.rawValue, on: tx)
            let store = ClientStore(database: tx)
            var outcomes: [ImportOutcome] = []
            outcomes.reserveCapacity(rows.count)
            for changes in rows {
                do {
                    try changes.check()
                    let stored: Client?
                    if let email = changes.email {
                        stored = try await store.find(email: email, in: workspace)
                    } else if let digits = changes.phone.value?.digits {
                        stored = try await store.sharing(email: nil, phoneDigits: digits, in: workspace, limit: 1).first
                    } else {
                        stored = nil
                    }
                    guard let stored else {
                        _ = try await self.create(changes, in: workspace, within: tx)
                        outcomes.append(.created)
                        continue
                    }
                    var client = try changes.applied(to: stored, at: now)
                    guard client != stored else {
                        outcomes.append(.unchanged)
                        continue
                    }
                    client.updatedAt = now
                    try await store.update(client)
                    if client.buyingStage != stored.buyingStage {
                        try await Self.recordStageChange(of: client, from: stored.buyingStage, on: tx, at: now)
                    }
                    outcomes.append(.updated)
                } catch let failure as ValidationFailure {
                    outcomes.append(.failed(failure.fields))
                }
            }
            return outcomes
        }
    }
}
