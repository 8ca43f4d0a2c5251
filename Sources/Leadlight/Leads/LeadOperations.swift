import Foundation
import SQLKit

/// Changes to leads. The REST API, the dashboard, the public site, the importers and the MCP tools all come
/// through here, so a lead made anywhere is validated, stored and announced the same way: each change and its
/// event are written in one transaction.
package struct LeadOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock

    package init(database: LeadlightDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    /// Validates `changes` (`name` is required) and stores a new lead, recording `lead.created`.
    package func create(_ changes: LeadChanges, in workspace: Workspace.ID) async throws -> Lead {
        try await self.database.transaction { tx in try await self.create(changes, in: workspace, within: tx) }
    }

    /// The same, inside a transaction the caller owns (an idempotent API create records its key in it). The
    /// lead is validated before anything is written.
    package func create(
        _ changes: LeadChanges, in workspace: Workspace.ID, within tx: any SQLDatabase
    ) async throws -> Lead {
        let lead = try changes.makeLead(id: .generate(), in: workspace, at: self.clock.now)
        try await LeadStore(database: tx).insert(lead)
        try await Outbox(database: tx).record(.leadCreated, LeadsAPI.LeadBody(lead), in: workspace, at: lead.createdAt)
        return lead
    }

    /// Applies the fields sent; a new status is recorded as `lead.status_changed` with the previous one. Sending
    /// what is stored changes nothing and records nothing.
    package func update(_ id: Lead.ID, with changes: LeadChanges, in workspace: Workspace.ID) async throws -> Lead {
        try changes.check()
        let now = self.clock.now
        return try await self.database.transaction { tx in
            let store = LeadStore(database: tx)
            guard let stored = try await store.find(id, in: workspace) else { throw NotFound("lead") }
            var lead = try changes.applied(to: stored)
            guard lead != stored else { return stored }
            lead.updatedAt = now
            try await store.update(lead)
            if lead.status != stored.status {
                try await Self.recordStatusChange(of: lead, from: stored.status, on: tx, at: now)
            }
            return lead
        }
    }

    /// Gives every lead of `ids` the status, in one transaction: each that changes is recorded as
    /// `lead.status_changed`, exactly as one `update` would. Ids not in the workspace are skipped. Returns how many
    /// changed.
    package func changeStatus(of ids: [Lead.ID], to status: LeadStatus, in workspace: Workspace.ID) async throws
        -> Int
    {
        let now = self.clock.now
        return try await self.database.transaction { tx in
            let store = LeadStore(database: tx)
            var changed = 0
            for id in ids {
                guard let stored = try await store.find(id, in: workspace), stored.status != status else { continue }
                var lead = stored
                lead.status = status
                lead.updatedAt = now
                try await store.update(lead)
                try await Self.recordStatusChange(of: lead, from: stored.status, on: tx, at: now)
                changed += 1
            }
            return changed
        }
    }

    /// Makes the lead a client (its name, email, phone and notes; the email is required): the lead becomes
    /// `converted` and points at the client. Records `client.created` and `lead.status_changed`. Converting twice
    /// throws `LeadAlreadyConverted`, a lead without an email `LeadHasNoEmail`, and an email that already belongs
    /// to a client `ClientStore.EmailTaken`.
    package func convert(_ id: Lead.ID, in workspace: Workspace.ID, within tx: any SQLDatabase) async throws -> (
        lead: Lead, client: Client
    ) {
        let now = self.clock.now
        let leads = LeadStore(database: tx)
        guard let stored = try await leads.find(id, in: workspace) else { throw NotFound("lead") }
        if let clientID = stored.clientID { throw LeadAlreadyConverted(client: clientID) }
        guard let email = stored.email else { throw LeadHasNoEmail(lead: id) }
        let client = Client(
            id: .generate(), workspaceID: workspace, name: stored.name, email: email, phone: stored.phone,
            notes: stored.notes, buyingStage: .new, stageChangedAt: now, createdAt: now, updatedAt: now
        )
        try await ClientOperations.insert(client, on: tx)
        var lead = stored
        lead.status = .converted
        lead.clientID = client.id
        lead.updatedAt = now
        try await leads.update(lead)
        if stored.status != .converted {
            try await Self.recordStatusChange(of: lead, from: stored.status, on: tx, at: now)
        }
        return (lead, client)
    }

    /// The same in a transaction of its own.
    package func convert(_ id: Lead.ID, in workspace: Workspace.ID) async throws -> (lead: Lead, client: Client) {
        try await self.database.transaction { tx in try await self.convert(id, in: workspace, within: tx) }
    }

    static func recordStatusChange(
        of lead: Lead, from previous: LeadStatus, on tx: any SQLDatabase, at now: Date
    ) async throws {
        try await Outbox(database: tx).record(
            .leadStatusChanged,
            ChangeEventBody(resource: LeadsAPI.LeadBody(lead), previousKey: "previousStatus", previous: previous),
            in: lead.workspaceID, at: now
        )
    }

    /// Archives the lead: it stays, and lists leave it out unless asked (`archived=true`).
    package func archive(_ id: Lead.ID, in workspace: Workspace.ID) async throws -> Lead {
        try await self.database.setArchived(true, id, in: workspace, at: self.clock.now, in: LeadStore.self)
    }

    /// Brings an archived lead back into the lists.
    package func restore(_ id: Lead.ID, in workspace: Workspace.ID) async throws -> Lead {
        try await self.database.setArchived(false, id, in: workspace, at: self.clock.now, in: LeadStore.self)
    }
}
