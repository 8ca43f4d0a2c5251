import Foundation

/// The HubSpot connector's settings: where HubSpot's API is, how often a connected workspace is synced, and the
/// key its token is sealed with.
package struct HubSpotConfiguration: Sendable {
    /// `LEADLIGHT_HUBSPOT_BASE_URL`: HubSpot's API unless set (the tests' stand-in).
    package var baseURL = HubSpotClient.defaultBaseURL
    /// `LEADLIGHT_HUBSPOT_SYNC_MINUTES` (60 by default): how often a connected workspace's changed products are
    /// pulled; nil (`0`) syncs only when asked (Sync now).
    package var syncInterval: Duration? = .seconds(3600)
    /// How far before the last sync's start the next one looks for changes, for clocks that differ and changes
    /// HubSpot dates a little late.
    package var lookBack: Duration = .seconds(300)
    /// A full pass (every product, the archived too) when the last one is this old: nightly.
    package var fullPassEvery: Duration = .seconds(24 * 3600)
    /// How long a sync's claim on its workspace lasts unless renewed (it is, every `leaseDuration / 6`): a process
    /// killed while syncing lets another take the workspace over after this.
    package var leaseDuration: Duration = .seconds(120)
    /// `LEADLIGHT_SECRET_KEY`, the key tokens are sealed with; nil: the key file beside the SQLite database.
    package var secretKey: String?
    /// Waits between attempts of one HubSpot request are this times HubSpot's (tests shorten it).
    package var backoffUnit: Duration = .seconds(1)

    package init() {}

    /// How often the sync service looks for workspaces due: at most every 30 seconds.
    var pollInterval: Duration {
        guard let syncInterval = self.syncInterval else { return .seconds(30) }
        return min(syncInterval, .seconds(30))
    }

    /// When a claim on a workspace's sync made or renewed at `now` runs out.
    func claimEnd(from now: Date) -> Date { now.adding(self.leaseDuration) }

    /// The box tokens are sealed in on `database`: `LEADLIGHT_SECRET_KEY`'s key, else the SQLite file's key file.
    func secretBox(for database: LeadlightDatabase) throws -> SecretBox {
        try SecretBox.server(
            environment: self.secretKey.map { ["LEADLIGHT_SECRET_KEY": $0] } ?? [:], database: database.location)
    }
}
