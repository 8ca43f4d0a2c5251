import Foundation
import Logging
import ServiceLifecycle

/// Wakes this process's sync service at once (a workspace connected, Sync now) instead of at its next look.
package final class HubSpotSyncWakeups: Sendable {
    let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    package init() {
        (self.stream, self.continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func wake() { self.continuation.yield() }
}

/// Runs the HubSpot syncs that are due, in `leadlight serve`: it looks every `pollInterval` (at most 30 s) and when
/// woken, claims each due workspace with a conditional update (`HubSpotConnectionStore.claim`) and syncs it, one at
/// a time. Any number of servers share one database: a workspace is synced by the one process that claimed it,
/// whose claim is renewed while it syncs and runs out if that process dies. A graceful shutdown stops the sync
/// under way; its import is recorded as interrupted and the workspace stays due.
package struct HubSpotSyncService: Service {
    let operations: HubSpotConnectionOperations
    let wakeups: HubSpotSyncWakeups
    /// Names this process's claims.
    let owner = "hsy_" + Base62.random(count: 16)

    package init(operations: HubSpotConnectionOperations, wakeups: HubSpotSyncWakeups) {
        self.operations = operations
        self.wakeups = wakeups
    }

    package func run() async throws {
        let poll = self.operations.configuration.pollInterval
        let wakeups = self.wakeups
        self.operations.logger.info(
            "HubSpot syncs are run by this process when due",
            metadata: [
                "owner": "\(self.owner)",
                "every": "\(self.operations.configuration.syncInterval.map { "\($0)" } ?? "only when asked")",
            ])
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: poll)
                        wakeups.wake()
                    }
                }
                for await _ in wakeups.stream {
                    if Task.isCancelled { break }
                    await self.syncWhatIsDue()
                }
                group.cancelAll()
            }
        }
    }

    /// Syncs every workspace due now, one after another, each once: a workspace due again at once is left to the
    /// next look, which another process may make first.
    func syncWhatIsDue() async {
        let operations = self.operations
        var done: Set<Workspace.ID> = []
        do {
            while !Task.isCancelled {
                var synced = false
                for workspace in try await operations.store.due(at: operations.clock.now, limit: 10)
                where !done.contains(workspace) {
                    done.insert(workspace)
                    let now = operations.clock.now
                    let until = operations.configuration.claimEnd(from: now)
                    guard
                        let connection = try await operations.store.claim(
                            workspace, by: self.owner, until: until, at: now)
                    else { continue }  // another process took it
                    await operations.sync(connection, by: self.owner)
                    synced = true
                    if Task.isCancelled { return }
                }
                if !synced { return }
            }
        } catch {
            operations.logger.error("Could not look for HubSpot syncs due: \(String(reflecting: error))")
        }
    }
}
