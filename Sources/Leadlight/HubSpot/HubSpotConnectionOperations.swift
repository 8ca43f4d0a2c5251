import Foundation
import Logging

/// A workspace's HubSpot connection, one door per change: connect (the token checked with one call to HubSpot,
/// then sealed with the server's key), disconnect, ask for a sync, and the sync itself as the sync service runs it
/// on a workspace it has claimed: every product when asked (Sync now, a new connection) or when the last full pass
/// is a day old, otherwise the products changed since the last sync began, less a few minutes' look-back.
package struct HubSpotConnectionOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock
    let configuration: HubSpotConfiguration
    let logger: Logger
    /// Counts each sync as an import, when the server keeps metrics.
    let metrics: ServerMetrics?

    package init(
        database: LeadlightDatabase, clock: WallClock, configuration: HubSpotConfiguration, logger: Logger,
        metrics: ServerMetrics? = nil
    ) {
        self.database = database
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
    }

    var store: HubSpotConnectionStore { HubSpotConnectionStore(database: self.database.sql) }

    /// Why a token was not connected, in words for the person who pasted it.
    package struct Problem: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    package func connection(of workspace: Workspace.ID) async throws -> HubSpotConnection? {
        try await self.store.find(workspace)
    }

    /// Checks `token` with one products call and, if HubSpot takes it, keeps it sealed and asks for a full sync.
    /// A token refused, lacking the products scope or that cannot be checked is a `Problem`, and nothing is kept.
    package func connect(_ token: String, to workspace: Workspace.ID, by: String) async throws {
        let token = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw Problem(description: "Paste your HubSpot private app's access token.") }
        guard token.utf8.count <= 512, token.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            throw Problem(
                description:
                    "That is not a HubSpot access token: it is one line of letters, digits and dashes, starting "
                    + "with pat-.")
        }
        let box: SecretBox
        do {
            box = try self.configuration.secretBox(for: self.database)
        } catch let unavailable as SecretBox.KeyUnavailable {
            throw Problem(description: "The server cannot keep the token safely: \(unavailable.description).")
        }
        var client = self.client(token)
        client.attempts = 2
        do {
            _ = try await client.products(after: nil, archived: false, limit: 1)
        } catch let error as HubSpotError {
            throw Problem(description: Self.explain(error))
        }
        let ending = String(token.suffix(4))
        try await self.store.connect(
            workspace, tokenSealed: try box.seal(token), tokenEnding: ending, by: by, at: self.clock.now)
    }

    /// What HubSpot's refusal means for the person connecting.
    static func explain(_ error: HubSpotError) -> String {
        switch error {
        case .refused(_, let body) where body.category == "MISSING_SCOPES":
            return "This private app may not read products. In HubSpot, give it the e-commerce scope (Settings → "
                + "Integrations → Private apps → your app → Scopes), then paste its token again. HubSpot said: "
                + "\(body.message)"
        case .refused(_, let body):
            return "HubSpot did not accept this token (\(body.category ?? "refused")): \(body.message) Copy the "
                + "access token from your private app (Settings → Integrations → Private apps → your app → Auth) "
                + "and paste it again."
        default:
            return "The token could not be checked: \(error). Nothing was saved; try again in a moment."
        }
    }

    /// Forgets the token; a sync under way stops. Whether the workspace was connected.
    @discardableResult
    package func disconnect(_ workspace: Workspace.ID) async throws -> Bool {
        try await self.store.disconnect(workspace)
    }

    /// Asks for a sync of every product now. False when a sync is under way (or there is no connection).
    package func askForSync(of workspace: Workspace.ID) async throws -> Bool {
        try await self.store.askForSync(workspace, at: self.clock.now)
    }

    func client(_ token: String) -> HubSpotClient {
        var client = HubSpotClient(baseURL: self.configuration.baseURL, token: token, logger: self.logger)
        client.backoffUnit = self.configuration.backoffUnit
        return client
    }

    /// The claim on a workspace's sync was lost: it was disconnected, or connected again with another token.
    struct ClaimLost: Error {}

    /// Runs the sync of a workspace that `owner` has claimed, and records how it ended. Cancelled (the server
    /// stopping), it lets go of the claim and the workspace stays due.
    func sync(_ connection: HubSpotConnection, by owner: String) async {
        let workspaceID = connection.workspaceID
        let startedAt = self.clock.now
        let full =
            connection.fullPassAsked || connection.syncedThrough == nil
            || connection.lastFullPassAt.map { $0.adding(self.configuration.fullPassEvery) <= startedAt } ?? true
        let since = full ? nil : connection.syncedThrough?.adding(.zero - self.configuration.lookBack)
        var ending = HubSpotConnectionStore.Ending(at: startedAt, productsRead: 0)
        let next = self.configuration.syncInterval.map { startedAt.adding($0) }
        do {
            guard let token = try? self.configuration.secretBox(for: self.database).open(connection.tokenSealed) else {
                ending.error =
                    "The saved token cannot be opened with this server's key (LEADLIGHT_SECRET_KEY, or the key "
                    + "file beside the database, changed): connect HubSpot again."
                throw SecretBox.CannotOpen()
            }
            guard let workspace = try await WorkspaceStore(database: self.database.sql).find(workspaceID) else {
                return
            }
            let importID = ImportRecord.ID.generate()
            let report = try await self.holding(workspaceID, by: owner, importID: importID) {
                try await HubSpotImportOperations(database: self.database, clock: self.clock, metrics: self.metrics)
                    .pull(
                        from: self.client(token), in: workspace, startedBy: "HubSpot sync", changedSince: since,
                        id: importID)
            }
            ending.productsRead = report.record.linesRead
            if since != nil && report.record.linesRead == 0 {
                try await ImportStore(database: self.database.sql).delete(importID, in: workspaceID)
            } else {
                ending.importID = importID
            }
            ending.syncedThrough = startedAt
            ending.fullPassAt = full ? startedAt : nil
            ending.nextSyncAt = next
        } catch is ClaimLost {
            return
        } catch is CancellationError {
            await self.unlessCancelled { try await self.store.release(workspaceID, by: owner) }
            return
        } catch is SecretBox.CannotOpen {
            ending.nextSyncAt = nil  // only a new token helps
        } catch let error as HubSpotError {
            if case .refused = error {
                ending.error = Self.explain(error)
                ending.nextSyncAt = nil  // no more scheduled syncs with a token HubSpot refuses
            } else {
                ending.error = "The sync stopped: \(error)."
                ending.nextSyncAt = next
            }
        } catch {
            ending.error = "The sync stopped: \(error)."
            ending.nextSyncAt = next
        }
        if let error = ending.error {
            self.logger.warning(
                "A HubSpot sync stopped",
                metadata: ["workspace": "\(workspaceID)", "owner": "\(owner)", "reason": "\(error)"])
        } else {
            self.logger.info(
                "A HubSpot sync ended",
                metadata: [
                    "workspace": "\(workspaceID)", "owner": "\(owner)", "products": "\(ending.productsRead)",
                    "pass": "\(full ? "full" : "changes")",
                ])
        }
        ending.at = self.clock.now
        let finished = ending
        await self.unlessCancelled { try await self.store.finish(workspaceID, by: owner, finished) }
    }

    /// Runs `body` while renewing `owner`'s claim; stops it with `ClaimLost` when the claim is gone.
    private func holding<T: Sendable>(
        _ workspace: Workspace.ID, by owner: String, importID: ImportRecord.ID,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let store = self.store
        let (configuration, clock, logger) = (self.configuration, self.clock, self.logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                while true {
                    let until = configuration.claimEnd(from: clock.now)
                    do {
                        guard try await store.renew(workspace, by: owner, until: until, importID: importID) else {
                            throw ClaimLost()
                        }
                    } catch let error as ClaimLost {
                        throw error
                    } catch {
                        logger.warning("Could not renew a HubSpot sync's claim: \(String(reflecting: error))")
                    }
                    try await Task.sleep(for: configuration.leaseDuration / 6)
                }
            }
            defer { group.cancelAll() }
            guard case let value?? = try await group.next() else { throw ClaimLost() }
            return value
        }
    }

    /// Runs `work` in a task of its own, so that it is done even when this one is cancelled.
    private func unlessCancelled(_ work: @escaping @Sendable () async throws -> Void) async {
        let logger = self.logger
        await Task {
            do { try await work() } catch {
                logger.error("Could not record a HubSpot sync: \(String(reflecting: error))")
            }
        }.value
    }
}
