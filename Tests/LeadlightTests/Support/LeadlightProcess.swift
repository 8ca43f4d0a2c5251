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
        let child = try ChildProcess.spawn(
            Self.executable.path, arguments, environment: Self.environment(environment), directory: directory,
            stdout: .pipe, stderr: .pipe
        )
        let outHandle = child.stdout!
        let errHandle = child.stderr!
        async let err = blocking { Self.readToEnd(errHandle) }
        let out = await blocking { Self.readToEnd(outHandle) }
        return Result(
            status: await child.exitStatus(), stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: await err, as: UTF8.self)
        )
    }

    /// Everything left in a pipe, read with `read(2)`. Foundation's `readDataToEndOfFile()` and `availableData`
    /// crash (`try!`) when a signal interrupts the read (EINTR), which child processes ending make likely here.
    static func readToEnd(_ handle: FileHandle) -> Data {
        var data = Data()
        while let chunk = Self.readChunk(handle) { data.append(chunk) }
        return data
    }

    /// The next bytes from a pipe, waiting for some (until `deadline`, if given); nil at its end, on a read error
    /// or when the deadline passes.
    static func readChunk(_ handle: FileHandle, deadline: Date? = nil) -> Data? {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let deadline {
                let milliseconds = Int32(clamping: Int(deadline.timeIntervalSinceNow * 1000))
                guard milliseconds > 0 else { return nil }
                var readable = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
                let ready = poll(&readable, 1, milliseconds)
                if ready < 0, errno == EINTR { continue }
                guard ready > 0 else { return nil }  // the deadline passed (or poll failed)
            }
            let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 { return Data(buffer[0..<count]) }
            if count < 0, errno == EINTR { continue }
            return nil
        }
    }

    /// Runs blocking work on a Dispatch thread, keeping Swift's cooperative pool free.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }
}
