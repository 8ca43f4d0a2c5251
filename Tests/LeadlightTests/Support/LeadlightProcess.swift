import Dispatch
import Foundation
import Testing

/// The built `leadlight` executable, run as an operator or another tool would run it.
enum LeadlightProcess {
    /// Next to the test binary in the build folder, unless `LEADLIGHT_EXECUTABLE` says otherwise.
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["LEADLIGHT_EXECUTABLE"] { return URL(fileURLWithPath: path) }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("leadlight")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return testBinary.deletingLastPathComponent().appendingPathComponent("leadlight")
    }

    /// The environment of a child: ours without any `LEADLIGHT_*` setting, plus `extra`.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LEADLIGHT_") }
        environment["LEADLIGHT_BCRYPT_COST"] = "4"
        environment.merge(extra) { $1 }
        return environment
    }

    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `leadlight arguments…` to completion.
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        directory: URL? = nil
    ) async throws -> Result {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = Self.environment(environment)
        if let directory { process.currentDirectoryURL = directory }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let exit = Self.exitStatus(of: process)
        try process.run()
        let outHandle = stdout.fileHandleForReading
        let errHandle = stderr.fileHandleForReading
        async let err = blocking { errHandle.readDataToEndOfFile() }
        let out = await blocking { outHandle.readDataToEndOfFile() }
        return Result(
            status: await Self.wait(exit), stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: await err, as: UTF8.self)
        )
    }

    /// The exit status, delivered once the process ends; set up before `run()`.
    static func exitStatus(of process: Process) -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { ended in
            continuation.yield(ended.terminationStatus)
            continuation.finish()
        }
        return stream
    }

    static func wait(_ exit: AsyncStream<Int32>) async -> Int32 {
        for await status in exit { return status }
        return -1
    }

    /// Runs blocking work on a Dispatch thread, keeping Swift's cooperative pool free.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }
}

/// A `leadlight serve` process on 127.0.0.1 and a free port, stopped with SIGTERM.
struct ServerProcess: Sendable {
    let port: Int
    /// Everything the server printed on stdout up to the end of its start-up output.
    let output: String
    let processID: Int32
    let exit: AsyncStream<Int32>
    let logFile: URL

    var baseURL: String { "http://127.0.0.1:\(self.port)" }

    /// Starts the server and waits until it prints that it is listening (and, on a first run, its banner).
    static func start(
        _ arguments: [String] = [],
        environment: [String: String] = [:],
        directory: URL? = nil
    ) async throws -> ServerProcess {
        let process = Process()
        process.executableURL = LeadlightProcess.executable
        process.arguments = ["serve", "--port", "0"] + arguments
        process.environment = LeadlightProcess.environment(environment)
        if let directory { process.currentDirectoryURL = directory }
        let stdout = Pipe()
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "leadlight-serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: logFile)
        process.standardInput = FileHandle.nullDevice
        let exit = LeadlightProcess.exitStatus(of: process)
        try process.run()
        let outHandle = stdout.fileHandleForReading
        let output = await LeadlightProcess.blocking {
            var text = ""
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline {
                let chunk = outHandle.availableData
                if chunk.isEmpty { break }  // the process ended
                text += String(decoding: chunk, as: UTF8.self)
                // started, and either no first-run banner is coming or it has been printed whole
                if text.contains("Leadlight is listening on"), !text.contains("First run") || text.contains("\n└") {
                    break
                }
            }
            return text
        }
        let line = output.split(separator: "\n").first { $0.hasPrefix("Leadlight is listening on http://") }
        guard let line,
            let port = line.split(separator: ":").dropFirst(2).first.flatMap({ Int($0.prefix { $0.isNumber }) })
        else {
            process.terminate()
            let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            throw StartFailure(output: output, log: log)
        }
        return ServerProcess(
            port: port, output: output, processID: process.processIdentifier, exit: exit, logFile: logFile)
    }

    struct StartFailure: Error, CustomStringConvertible {
        var output: String
        var log: String
        var description: String { "leadlight serve did not start.\nstdout:\n\(self.output)\nstderr:\n\(self.log)" }
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

/// A `leadlight worker` process, stopped with SIGTERM.
struct WorkerProcess: Sendable {
    let processID: Int32
    let exit: AsyncStream<Int32>
    let logFile: URL

    /// Starts the worker and waits until it says it is running.
    static func start(environment: [String: String]) async throws -> WorkerProcess {
        let process = Process()
        process.executableURL = LeadlightProcess.executable
        process.arguments = ["worker"]
        process.environment = LeadlightProcess.environment(environment)
        let stdout = Pipe()
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "leadlight-worker-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: logFile)
        process.standardInput = FileHandle.nullDevice
        let exit = LeadlightProcess.exitStatus(of: process)
        try process.run()
        let outHandle = stdout.fileHandleForReading
        let output = await LeadlightProcess.blocking {
            var text = ""
            while !text.contains("webhook worker running") {
                let chunk = outHandle.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            return text
        }
        guard output.contains("webhook worker running") else {
            let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            throw ServerProcess.StartFailure(output: output, log: log)
        }
        return WorkerProcess(processID: process.processIdentifier, exit: exit, logFile: logFile)
    }

    @discardableResult
    func stop() async -> Int32 {
        kill(self.processID, SIGTERM)
        let status = await LeadlightProcess.wait(self.exit)
        try? FileManager.default.removeItem(at: self.logFile)
        return status
    }
}
