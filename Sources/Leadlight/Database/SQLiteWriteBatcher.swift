import SQLKit
import Synchronization

/// Group commit for SQLite's one writer connection.
///
/// Each statement through SQLiteNIO is a round trip to its thread pool; a lead created alone costs `BEGIN`, its
/// writes and `COMMIT` in turn, and nothing else may write meanwhile. Here transactions that arrive while the
/// writer is busy wait together, and the next one to lead runs up to `maxBatch` of them, in arrival order, in a
/// single `BEGIN IMMEDIATE … COMMIT`: the same serial order as one at a time, one commit for all. If any of
/// them fails, the batch is rolled back and each is run again alone, so one bad request never takes another's
/// write with it. The writer lock is held per batch; `LeadlightDatabase.close()` takes it to wait for the last.
final class SQLiteWriteBatcher: Sendable {
    typealias Body = @Sendable (any SQLDatabase) async throws -> any Sendable

    static let maxBatch = 64

    private let session: any SQLDatabase
    private let lock: AsyncLock
    private let commits: CommitSignal
    /// Where batches run (`SQLiteDirectConnection` runs each statement where it is asked for).
    let thread: SQLiteThread
    /// Transactions waiting, and whether one of their callers is leading a batch now.
    private let state = Mutex<(pending: [Job], leading: Bool)>(([], false))

    init(session: any SQLDatabase, lock: AsyncLock, commits: CommitSignal, thread: SQLiteThread) {
        self.session = session
        self.lock = lock
        self.commits = commits
        self.thread = thread
    }

    /// Runs `body` in a transaction, alone or with others waiting at the same time; returns once it committed.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let job = Job(body: { try await body($0) })
        let role = await withCheckedContinuation { (continuation: CheckedContinuation<Role, Never>) in
            job.continuation.withLock { $0 = continuation }
            let leads = self.state.withLock { state in
                state.pending.append(job)
                guard !state.leading else { return false }
                state.leading = true  // nobody leads, so nothing else waits: this job is first in line
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        if role == .lead { await self.lead(with: job) }
        // Either this caller led the batch that ran it, or a leader ran it and woke it.
        return try job.result.withLock { $0! }.get() as! T
    }

    /// Runs the next batch (which starts with `leader`, the job of the caller leading it), wakes its other
    /// callers, and hands the lead to the first job still waiting, if any.
    private func lead(with leader: Job) async {
        let batch = self.state.withLock { state in
            let batch = Array(state.pending.prefix(Self.maxBatch))
            state.pending.removeFirst(batch.count)
            return batch
        }
        await self.lock.lock()
        await withTaskExecutorPreference(self.thread) {
            await self.commits.run { await self.run(batch) }
        }
        await self.lock.unlock()
        let next = self.state.withLock { state in
            if state.pending.isEmpty { state.leading = false }
            return state.pending.first
        }
        for job in batch where job !== leader { job.wake(.done) }
        next?.wake(.lead)
    }

    private func run(_ batch: [Job]) async {
        guard batch.count > 1 else {
            batch[0].finish(await self.runAlone(batch[0]))
            return
        }
        do {
            let results = try await LeadlightDatabase.run(
                { session in
                    var results: [any Sendable] = []
                    for job in batch { results.append(try await job.body(session)) }
                    return results
                }, on: self.session, begin: "BEGIN IMMEDIATE")
            for (job, result) in zip(batch, results) { job.finish(.success(result)) }
        } catch {
            for job in batch { job.finish(await self.runAlone(job)) }
        }
    }

    private func runAlone(_ job: Job) async -> Result<any Sendable, any Error> {
        do {
            return .success(try await LeadlightDatabase.run(job.body, on: self.session, begin: "BEGIN IMMEDIATE"))
        } catch {
            return .failure(error)
        }
    }

    private enum Role {
        /// Run the next batch.
        case lead
        /// A leader ran this job; its result is set.
        case done
    }

    private final class Job: Sendable {
        let body: Body
        let continuation = Mutex<CheckedContinuation<Role, Never>?>(nil)
        let result = Mutex<Result<any Sendable, any Error>?>(nil)

        init(body: @escaping Body) {
            self.body = body
        }

        func finish(_ result: Result<any Sendable, any Error>) {
            self.result.withLock { $0 = result }
        }

        func wake(_ role: Role) {
            self.continuation.withLock { $0 }?.resume(returning: role)
        }
    }
}
