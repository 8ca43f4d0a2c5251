import Foundation

/// A `leadlight worker` process, stopped with SIGTERM.
struct WorkerProcess: Sendable {
    let process: LongRunningProcess

    /// Starts the worker and waits until it says it is running.
    static func start(environment: [String: String]) async throws -> WorkerProcess {
        let (process, _) = try await LongRunningProcess.start(["worker"], environment: environment) {
            $0.contains("webhook worker running")
        }
        return WorkerProcess(process: process)
    }

    @discardableResult
    func stop() async -> Int32 { await self.process.stop() }

    /// Stops it and returns its exit status and its log (stderr).
    func stopReadingLog() async -> (status: Int32, log: String) { await self.process.stopReadingLog() }
}
