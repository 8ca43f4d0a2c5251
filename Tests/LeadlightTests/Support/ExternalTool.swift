import Foundation

/// Programs some tests run beside ours (node, python3 with a library). A fresh machine may lack them; those
/// tests are then skipped, unless `LEADLIGHT_TEST_REQUIRE_TOOLS=1` (set by `.ci/run`, which installs them)
/// makes a missing tool a failure.
enum ExternalTool {
    static var required: Bool { ProcessInfo.processInfo.environment["LEADLIGHT_TEST_REQUIRE_TOOLS"] == "1" }

    /// The program's path on PATH, if there is one.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static var nodeAvailable: Bool { Self.required || Self.find("node") != nil }

    /// python3 that can import `standardwebhooks`.
    static var standardWebhooksAvailable: Bool {
        if Self.required { return true }
        guard let python = Self.find("python3") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import standardwebhooks"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? LeadlightProcess.launch(process)) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Runs `name arguments…` with `input` on stdin; returns stdout, or throws with stderr when it fails.
    static func run(_ name: String, _ arguments: [String], input: Data) async throws -> String {
        guard let path = Self.find(name) else { throw Missing(name: name) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let exit = LeadlightProcess.exitStatus(of: process)
        try LeadlightProcess.launch(process)
        let inHandle = stdin.fileHandleForWriting
        await LeadlightProcess.blocking {
            inHandle.write(input)
            try? inHandle.close()
        }
        let outHandle = stdout.fileHandleForReading
        let errHandle = stderr.fileHandleForReading
        async let err = LeadlightProcess.blocking { LeadlightProcess.readToEnd(errHandle) }
        let out = await LeadlightProcess.blocking { LeadlightProcess.readToEnd(outHandle) }
        let status = await LeadlightProcess.wait(exit)
        let errors = String(decoding: await err, as: UTF8.self)
        guard status == 0 else { throw Failed(name: name, status: status, stderr: errors) }
        return String(decoding: out, as: UTF8.self)
    }

    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String { "\(self.name) is not installed (.ci/run installs it)" }
    }

    struct Failed: Error, CustomStringConvertible {
        var name: String
        var status: Int32
        var stderr: String
        var description: String { "\(self.name) exited with \(self.status): \(self.stderr)" }
    }
}
