import Synchronization

/// What a write transaction of this process tells the rest of it once it has ended:
/// - it rings, if it asked (`ringAfterCommit()`), so work waiting on the rows it wrote (webhook deliveries)
///   starts at once instead of at its next poll. Rings are coalesced: a listener that is busy sees one.
/// - it advances `writes`, so reads cached in memory (`ReadCache`) know this process wrote since, and
///   `keyWrites` too if it changed API keys (`keysChanged()`), so cached keys are read again, and `siteWrites`
///   if it changed what an agent's public site shows of them (`siteChanged()`).
package final class CommitSignal: Sendable {
    private let listeners = Mutex<[Int: AsyncStream<Void>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)
    /// Advances after each write transaction, committed or not (list answers are cached on it).
    package let writes = WriteGeneration()
    /// Advances after each transaction that changed API keys (`ReadCache` of keys builds on it).
    package let keyWrites = WriteGeneration()
    /// Advances after each transaction that changed a workspace or its public profile or files (the public site's
    /// `ReadCache` of agents builds on it, so a visitor's form, which writes a lead, keeps it).
    package let siteWrites = WriteGeneration()

    package init() {}

    /// A stream that yields after each ringing commit from now on (at most one pending at a time).
    package func listen() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = self.nextID.add(1, ordering: .relaxed).newValue
        self.listeners.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.listeners.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// Called inside a transaction: ring once it has committed. Does nothing outside `LeadlightDatabase.transaction`.
    static func ringAfterCommit() {
        Self.currentTransaction?.wantsRing.store(true, ordering: .relaxed)
    }

    /// Called inside a transaction that changes API keys (revokes one, records its use): keys cached in memory
    /// are read again once it has ended. Does nothing outside `LeadlightDatabase.transaction`.
    static func keysChanged() {
        Self.currentTransaction?.changedKeys.store(true, ordering: .relaxed)
    }

    /// Called inside a transaction that changes a workspace, its public profile or its public files: agents cached
    /// for the public site are read again once it has ended. Does nothing outside `LeadlightDatabase.transaction`.
    static func siteChanged() {
        Self.currentTransaction?.changedSite.store(true, ordering: .relaxed)
    }

    /// Runs a transaction's body (which commits), then rings if the body asked and returned normally; advances
    /// the write generations however it ended.
    func run<T>(_ body: () async throws -> T) async rethrows -> T {
        let transaction = Transaction()
        defer {
            if transaction.changedKeys.load(ordering: .relaxed) { self.keyWrites.advance() }
            if transaction.changedSite.load(ordering: .relaxed) { self.siteWrites.advance() }
            self.writes.advance()
        }
        let result = try await Self.$currentTransaction.withValue(transaction) { try await body() }
        if transaction.wantsRing.load(ordering: .relaxed) { self.ring() }
        return result
    }

    private func ring() {
        self.listeners.withLock { listeners in
            for continuation in listeners.values { continuation.yield() }
        }
    }

    @TaskLocal private static var currentTransaction: Transaction?

    private final class Transaction: Sendable {
        let wantsRing = Atomic<Bool>(false)
        let changedKeys = Atomic<Bool>(false)
        let changedSite = Atomic<Bool>(false)
    }
}
