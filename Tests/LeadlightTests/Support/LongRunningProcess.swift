import Foundation

/// A long-running `leadlight` process (a server or a worker): its stderr goes to a log file, its stdout is read
/// until it says it has started.
struct LongRunningProcess: Sendable {
    let child: ChildProcess
    let logFile: URL

    /// Starts `leadlight arguments…` and reads its stdout until `started` holds for what it printed (or it ends,
    /// or two minutes pass); returns the process and that output. `fileSizeLimitKiB` caps every file the process
    /// writes (`ulimit -f`), as a full disk would.
    static func start(
        _ arguments: [String],
        environment: [String: String],
        directory: URL? = nil,
        fileSizeLimitKiB: Int? = nil,
        until started: @escaping @Sendable (String) -> Bool
    ) async throws -> (LongRunningProcess, output: String) {
        let logFile = (TestLogs.directory ?? FileManager.default.temporaryDirectory).appendingPathComponent(
            "leadlight-\(arguments.first ?? "run")-\(UUID().uuidString).log")
        let executable = LeadlightProcess.executable.path
        let (program, commandLine) =
            fileSizeLimitKiB.map {
                ("/bin/bash", ["-c", "ulimit -f \($0) && exec \"$0\" \"$@\"", executable] + arguments)
            }
            ?? (executable, arguments)
        let child = try ChildProcess.spawn(
            program, commandLine,
            environment: LeadlightProcess.environment(TestLogs.processSettings.merging(environment) { $1 }),
            directory: directory, stdout: .pipe, stderr: .file(logFile)
        )
        let outHandle = child.stdout!
        let output = await ChildProcess.blocking {
            var text = ""
            let deadline = Date().addingTimeInterval(120)
            while !started(text) {
                // nil: the process ended, or it said nothing more for the rest of the two minutes
                guard let chunk = ChildProcess.readChunk(outHandle, deadline: deadline) else { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            return text
        }
        if TestLogs.directory != nil {  // what it printed first-run: the passwords the logs must not hold
            try? output.write(
                to: logFile.deletingPathExtension().appendingPathExtension("stdout"), atomically: false,
                encoding: .utf8)
        }
        let running = LongRunningProcess(child: child, logFile: logFile)
        guard started(output) else {
            child.signal(SIGKILL)  // it may be stuck: a SIGTERM it never handles would leave it behind
            _ = await child.exitStatus()
            throw StartFailure(arguments: arguments, output: output, log: running.log)
        }
        return (running, output)
    }

    /// What the process wrote on stderr so far.
    var log: String { (try? String(contentsOf: self.logFile, encoding: .utf8)) ?? "" }

    struct StartFailure: Error, CustomStringConvertible {
        var arguments: [String]
        var output: String
        var log: String
        var description: String {
            "leadlight \(self.arguments.joined(separator: " ")) did not start.\nstdout:\n\(self.output)\nstderr:\n\(self.log)"
        }
    }

    /// SIGKILL: the process dies at once, wherever it is, as in a power cut or an OOM kill.
    func kill9() async {
        self.child.signal(SIGKILL)
        _ = await self.child.exitStatus()
        self.removeLog()
    }

    /// SIGTERM, then waits for the graceful shutdown to finish.
    @discardableResult
    func stop() async -> Int32 {
        await self.stopReadingLog().status
    }

    /// The same, with what the process wrote on stderr, all of it (for a failing check to show).
    func stopReadingLog() async -> (status: Int32, log: String) {
        self.child.signal(SIGTERM)
        let status = await self.child.exitStatus()
        let log = self.log
        self.removeLog()
        return (status, log)
    }

    /// Unless the suite's logs are kept (`TestLogs`).
    private func removeLog() {
        if TestLogs.directory == nil { try? FileManager.default.removeItem(at: self.logFile) }
    }
}
