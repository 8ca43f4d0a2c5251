import NIOCore
import NIOPosix

/// A sleep for the timers that are mostly cancelled: the watchdog of every PostgreSQL lease, the limit of
/// `/readyz`'s ping, the timeout of an MCP request.
///
/// Swift's `Task.sleep` on Linux keeps its timer (about 450 bytes, with what it holds) until the deadline even
/// when it is cancelled at once. A five-second watchdog started for each lease and cancelled a moment later so
/// held some 25,000 timers at 5,000 leases a second (PostgresNIO's pool does the same with its own timers: see
/// `LeadlightDatabase.openPostgres`). This sleep is an event loop's scheduled task, taken off the loop's queue
/// and freed as soon as its task is cancelled (docs/BENCHMARKS.md, "the timers of cancelled sleeps").
enum TimerSleep {
    /// Returns after `duration`, or throws `CancellationError` as soon as the calling task is cancelled.
    static func sleep(
        for duration: Duration, on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()
    ) async throws {
        let timer = eventLoop.scheduleTask(in: TimeAmount(duration)) {}
        do {
            try await withTaskCancellationHandler {
                try await timer.futureResult.get()
            } onCancel: {
                timer.cancel()
            }
        } catch EventLoopError.cancelled {
            throw CancellationError()
        }
    }
}
