import Foundation

/// A release `leadlight serve` started for one measurement, on 127.0.0.1 and a free port.
struct BenchServer {
    let process: Process
    let port: Int

    /// The `leadlight` executable built next to this one.
    static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("leadlight")
    }

    static func run(_ arguments: [String], environment: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = PipeReader.readToEnd(output.fileHandleForReading)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("leadlight \(arguments.first ?? "") failed") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Starts `leadlight serve` (or, with other arguments, another long-running subcommand that prints `ready`).
    static func start(
        arguments: [String] = ["serve", "--port", "0"], ready: String = "Leadlight is listening on",
        environment: [String: String]
    ) throws -> BenchServer {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains(ready) {
            guard let chunk = PipeReader.readChunk(output.fileHandleForReading) else {
                throw BenchError("leadlight \(arguments[0]) did not start")
            }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let address = text.split(separator: "\n").first { $0.hasPrefix("Leadlight is listening on http://") }
        let port = address.flatMap { Int($0.split(separator: ":")[2].prefix { $0.isNumber }) } ?? 0
        return BenchServer(process: process, port: port)
    }

    func stop() {
        self.process.terminate()
        self.process.waitUntilExit()
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
