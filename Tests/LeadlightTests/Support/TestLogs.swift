import Foundation
import Logging

@testable import Leadlight

/// The suite's logs, kept when `LEADLIGHT_TEST_LOG_DIR` names a directory (`.ci/run` does): every server and
/// worker process's stderr, and one file of what the in-process servers log, all at `debug` with a line per
/// request. After the run `scripts/secrets-in-logs.sh` looks through all of it for any key, password, session,
/// webhook secret or signature the tests used: a whole test run's logs, not one test's.
enum TestLogs {
    static let directory: URL? = ProcessInfo.processInfo.environment["LEADLIGHT_TEST_LOG_DIR"]
        .flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }

    /// For a server or worker process: debug, with its access lines, when the logs are kept (a test's own
    /// settings come after these, and win).
    static var processSettings: [String: String] {
        Self.directory == nil ? [:] : ["LEADLIGHT_LOG_LEVEL": "debug", "LEADLIGHT_ACCESS_LOG": "1"]
    }

    /// The logger of the in-process servers and databases: to a kept file at `debug` when the logs are kept,
    /// else at `LEADLIGHT_TEST_LOG_LEVEL` (default: critical only) on stdout.
    static func makeLogger() -> Logger {
        guard let directory = Self.directory else {
            var logger = Logger(label: "leadlight-tests")
            logger.logLevel =
                ProcessInfo.processInfo.environment["LEADLIGHT_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) }
                ?? .critical
            return logger
        }
        let file = directory.appendingPathComponent("in-process-\(getpid()).log")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = FileHandle(forWritingAtPath: file.path)
        let write: @Sendable ([UInt8]) -> Void = { line in handle?.write(Data(line)) }
        var logger = Logger(label: "leadlight-tests") { JSONLogHandler(label: $0, write: write) }
        logger.logLevel = .debug
        return logger
    }
}
