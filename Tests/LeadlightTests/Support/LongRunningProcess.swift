import Foundation

/// A long-running `leadlight` process (a server or a worker): its stderr goes to a log file, its stdout is read
/// until it says it has started.
struct LongRunningProcess: Sendable {
    let processID: Int32
    let exit: AsyncStream<Int32>
    let logFile: URL

    /// Starts `leadlight arguments…` and reads its stdout until `started` holds for what it printed (or it ends,
    /// or two minutes pass); returns the process and that output.
    static func start(
        _ arguments: [String],
        environment: [String: String],
        directory: URL? = nil,
        until started: @escaping @Sendable (String) -> Bool
    ) async throws -> (LongRunningProcess, output: String) {
        let process = Process()
        process.executableURL = LeadlightProcess.executable
        process.arguments = arguments
        process.environment = LeadlightProcess.environment(environment)
        if let directory { process.currentDirectoryURL = directory }
        let stdout = Pipe()
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "leadlight-\(arguments.first ?? "run")-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: logFile)
        process.standardInput = FileHandle.nullDevice
        let exit = LeadlightProcess.exitStatus(of: process)
        try LeadlightProcess.launch(process)
        let outHandle = stdout.fileHandleForReading
        let output = await LeadlightProcess.blocking {
            var text = ""
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline, !started(text) {
                guard let chunk = LeadlightProcess.readChunk(outHandle) else { break }  // the process ended
                text += String(decoding: chunk, as: UTF8.self)
            }
            return text
        }
        let running = LongRunningProcess(processID: process.processIdentifier, exit: exit, logFile: logFile)
        guard started(output) else {
            process.terminate()
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
        kill(self.processID, SIGKILL)
        _ = await LeadlightProcess.wait(self.exit)
        try? FileManager.default.removeItem(at: self.logFile)
    }

    /// SIGTERM, then waits for the graceful shutdown to finish.
    @discardableResult
    func stop() async -> Int32 {
        kill(self.processID, SIGTERM)
        let status = await LeadlightProcess.wait(self.exit)
        try? FileManager.default.removeItem(at: self.logFile)
        return status
    }
}
