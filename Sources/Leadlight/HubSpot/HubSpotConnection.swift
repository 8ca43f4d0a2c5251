import Foundation

/// A workspace connected to a HubSpot account: the private app's token (sealed), when the workspace is synced
/// next and what the last sync did, and the process syncing it now, if one is.
package struct HubSpotConnection: Sendable, Equatable {
    package var workspaceID: Workspace.ID
    /// The token as `SecretBox.seal` wrote it.
    var tokenSealed: String
    /// The token's last four characters, to tell which one is connected.
    package var tokenEnding: String
    package var connectedAt: Date
    package var connectedBy: String
    /// When the sync service runs the next sync; nil: only when asked (there is no schedule, or HubSpot refused
    /// the token).
    package var nextSyncAt: Date?
    /// The next sync reads every product (Sync now, a new connection), not only the changed ones.
    package var fullPassAsked: Bool
    /// The start of the last sync that read to the end: the next one reads what changed since (less a look-back).
    package var syncedThrough: Date?
    package var lastFullPassAt: Date?
    /// When the last sync ended, however it ended.
    package var lastSyncAt: Date?
    /// How many products the last sync read (none changed: 0).
    package var lastSyncProducts: Int
    /// The last sync that read any product (one that found nothing changed is not kept as an import).
    package var lastImportID: ImportRecord.ID?
    /// Why the last sync stopped, when it did not end well.
    package var lastError: String?
    /// The process syncing now, until when (renewed as it goes), and the import it is writing.
    var syncOwner: String?
    package var syncUntil: Date?
    package var syncImportID: ImportRecord.ID?

    package func isSyncing(at now: Date) -> Bool { self.syncUntil.map { $0 > now } ?? false }
}
