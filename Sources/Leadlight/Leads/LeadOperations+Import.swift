import Foundation
import SQLKit

extension LeadOperations {
    /// Brings in rows of a contact list, in one transaction (rolled back in a dry run): each row finds its lead by
    /// email, else by phone among the leads without an email, and updates it (recording
    /// `lead.status_changed` as `update` does) or is found unchanged; a row that finds none creates a lead
    /// (`lead.created`). So importing a list twice makes no lead twice. One outcome per row, in order.
    package func importRows(_ rows: [LeadChanges], in workspace: Workspace.ID, dryRun: Bool) async throws
        -> [ImportOutcome]
    {
        let now = self.clock.now
        return try await self.database.transaction(dryRun: dryRun) { tx in
            // two imports into one workspace at once take turns, so neither makes a lead the other is making
            try await LeadlightDatabase.lockForTransaction(scope: 1, key: workspace.rawValue, on: tx)
            let store = LeadStore(database: tx)
            var outcomes: [ImportOutcome] = []
            outcomes.reserveCapacity(rows.count)
            for changes in rows {
                do {
                    try changes.check()
                    if let stored = try await store.matching(
                        email: changes.email.value, phoneDigits: changes.phone.value?.digits, in: workspace)
                    {
                        var lead = try changes.applied(to: stored)
                        guard lead != stored else {
                            outcomes.append(.unchanged)
                            continue
                        }
                        lead.updatedAt = now
                        try await store.update(lead)
                        if lead.status != stored.status {
                            try await Self.recordStatusChange(of: lead, from: stored.status, on: tx, at: now)
                        }
                        outcomes.append(.updated)
                    } else {
                        _ = try await self.create(changes, in: workspace, within: tx)
                        outcomes.append(.created)
                    }
                } catch let failure as ValidationFailure {
                    outcomes.append(.failed(failure.fields))
                }
            }
            return outcomes
        }
    }
}

extension LeadStore {
    /// The lead a contact list's row means: the oldest with `email`; failing that, the oldest with the phone's
    /// digits that has no email (one with another email is another person).
    func matching(email: String?, phoneDigits: String?, in workspace: Workspace.ID) async throws -> Lead? {
        func select() -> SQLSelectBuilder {
            self.database.select().column("*").from("leads").where("workspace_id", .equal, workspace.rawValue)
        }
        if let email,
            let lead = try await select().where("email", .equal, email).orderBy("created_at").orderBy("id").first()
        {
            return try Lead(row: lead)
        }
        guard let phoneDigits else { return nil }
        return try await select().where("phone_digits", .equal, phoneDigits).where("email", .is, SQLLiteral.null)
            .orderBy("created_at").orderBy("id").first().map(Lead.init(row:))
    }
}
