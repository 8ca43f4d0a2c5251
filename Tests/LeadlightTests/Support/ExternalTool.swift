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
    static func standardWebhooksAvailable() async -> Bool { await Self.pythonCanImport("standardwebhooks") }

    /// python3 that can import `prometheus_client`, Prometheus's own Python client and its text-format parser.
    static func prometheusClientAvailable() async -> Bool { await Self.pythonCanImport("prometheus_client") }

    /// python3 that can import `mcp`, the official MCP client.
    static func mcpClientAvailable() async -> Bool { await Self.pythonCanImport("mcp") }

    private static func pythonCanImport(_ module: String) async -> Bool {
        if Self.required { return true }
        guard let python = Self.find("python3") else { return false }
        let environment = ProcessInfo.processInfo.environment
        guard let child = try? ChildProcess.spawn(python, ["-c", "import \(module)"], environment: environment)
        else { return false }
        return await child.exitStatus() == 0
    }

    /// Runs `name arguments…` with `input` on stdin; returns stdout, or throws with stderr when it fails.
    static func run(_ name: String, _ arguments: [String], input: Data) async throws -> String {
        guard let path = Self.find(name) else { throw Missing(name: name) }
        let finished = try await ChildProcess.run(
            path, arguments, environment: ProcessInfo.processInfo.environment, input: input)
        guard finished.status == 0 else { throw Failed(name: name, status: finished.status, stderr: finished.stderr) }
        return finished.stdout
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
