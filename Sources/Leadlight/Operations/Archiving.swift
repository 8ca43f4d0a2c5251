import Foundation
import SQLKit

/// A record that is archived rather than deleted: it stays, with the time it was archived, and lists leave it
/// out unless asked (`archived=true`). Leads, clients, listings and showings.
protocol Archivable: IdentifiedResource, Sendable {
    var archivedAt: Date? { get set }
    var updatedAt: Date { get set }
}

/// The store of an archivable record: what archiving needs of it.
protocol ArchivableStore: Sendable {
    associatedtype Record: Archivable
    /// The record in words, for a 404: `lead`, `client`.
    static var resource: String { get }
    init(database: any SQLDatabase)
    func find(_ id: Identifier<Record>, in workspace: Workspace.ID) async throws -> Record?
    func update(_ record: Record) async throws
}

extension LeadlightDatabase {
    /// Archives the record (`archived`) or brings it back, and returns it. Doing it twice changes nothing the
    /// second time. No event is recorded: archiving is housekeeping, not news for a webhook.
    func setArchived<Store: ArchivableStore>(
        _ archived: Bool, _ id: Identifier<Store.Record>, in workspace: Workspace.ID, at now: Date, in _: Store.Type
    ) async throws -> Store.Record {
        try await self.transaction { tx in
            let store = Store(database: tx)
            guard var record = try await store.find(id, in: workspace) else { throw NotFound(Store.resource) }
            guard (record.archivedAt != nil) != archived else { return record }
            record.archivedAt = archived ? now : nil
            record.updatedAt = now
            try await store.update(record)
            return record
        }
    }
}
