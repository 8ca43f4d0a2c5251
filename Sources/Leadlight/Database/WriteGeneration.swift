import Synchronization

/// Counts this process's write transactions (all of them, or those that changed API keys: `CommitSignal`). A
/// value read before a query and still current afterwards means no such transaction has ended since: what the query read is still what the database holds, as
/// far as this process's own writes go (`ReadCache` builds on this).
package final class WriteGeneration: Sendable {
    private let value = Atomic<UInt64>(0)

    package init() {}

    package var current: UInt64 { self.value.load(ordering: .acquiring) }

    /// Called when a write transaction has ended, committed or rolled back.
    func advance() {
        self.value.add(1, ordering: .releasing)
    }
}
