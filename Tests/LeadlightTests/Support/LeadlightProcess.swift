import Foundation

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

    /// Runs `leadlight arguments…` to completion.
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        directory: URL? = nil
    ) async throws -> ChildProcess.Finished {
        try await ChildProcess.run(
            Self.executable.path, arguments, environment: Self.environment(environment), directory: directory)
    }
}
