import Synchronization

/// Rings after a committed write transaction of this process that asked for it (`ringAfterCommit()`), so
/// work waiting on the rows it wrote (webhook deliveries) starts at once instead of at its next poll.
/// Rings are coalesced: a listener that is busy sees one.
package final class CommitSignal: Sendable {
    private let listeners = Mutex<[Int: AsyncStream<Void>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)

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

    /// Runs a transaction's body, then rings if the body asked and returned normally (the caller commits first).
    func run<T>(_ body: () async throws -> T) async throws -> T {
        let transaction = Transaction()
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
    }
}
