import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A program the tests run as a child (`leadlight`, node, python3, a shell), started with `posix_spawn`.
///
/// Not Foundation's `Process`: on Linux its `run()` finds the highest open descriptor by reading
/// `/proc/self/fd` and copies each entry's whole 256-byte name buffer, reading past the end of the directory
/// buffer once about 1,360 descriptors are open. The test suite opens that many (a hundred tests' SQLite
/// files at once), and it crashed with a segmentation fault in CI. Here the child closes every descriptor
/// above stderr itself (glibc's `posix_spawn_file_actions_addclosefrom_np`), however many the tests hold, so
/// no child keeps another child's pipe open.
struct ChildProcess: Sendable {
    enum Input: Sendable {
        case nullDevice
        /// A pipe whose write end is `ChildProcess.stdin`.
        case pipe
    }

    enum Output: Sendable {
        case nullDevice
        /// A pipe whose read end is `ChildProcess.stdout` (or `stderr`).
        case pipe
        /// A file, created or emptied.
        case file(URL)
    }

    let processID: pid_t
    /// Our ends of the pipes asked for; closed when the handles go.
    let stdin: FileHandle?
    let stdout: FileHandle?
    let stderr: FileHandle?
    private let running: Running
    private let exited: Task<Int32, Never>

    /// Whether the process ID is still the child's: once it is reaped, the system may give it to another process.
    private final class Running: Sendable {
        let yes = Mutex(true)
    }

    /// Starts `executable arguments…` with exactly `environment`, in `directory` (or ours).
    static func spawn(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        directory: URL? = nil,
        stdin: Input = .nullDevice,
        stdout: Output = .nullDevice,
        stderr: Output = .nullDevice
    ) throws -> ChildProcess {
        OpenFileLimit.raise()
        _ = Self.brokenPipesIgnored
        var actions = posix_spawn_file_actions_t()
        try check(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init")
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipes = OpenPipes()
        defer { pipes.closeChildEnds() }

        switch stdin {
        case .nullDevice:
            try check(
                posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0), "addopen stdin")
        case .pipe:
            let end = try pipes.make(for: STDIN_FILENO)
            try check(posix_spawn_file_actions_adddup2(&actions, end, STDIN_FILENO), "adddup2 stdin")
        }
        for (descriptor, output) in [(STDOUT_FILENO, stdout), (STDERR_FILENO, stderr)] {
            switch output {
            case .nullDevice:
                try check(
                    posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0), "addopen")
            case .pipe:
                let end = try pipes.make(for: descriptor)
                try check(posix_spawn_file_actions_adddup2(&actions, end, descriptor), "adddup2")
            case .file(let url):
                try check(
                    posix_spawn_file_actions_addopen(
                        &actions, descriptor, url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644),
                    "addopen \(url.path)")
            }
        }
        try check(GlibcSpawnExtensions.closeFrom(&actions, STDERR_FILENO + 1), "addclosefrom_np")
        if let directory {
            try check(GlibcSpawnExtensions.changeDirectory(&actions, directory.path), "addchdir_np")
        }

        var attributes = posix_spawnattr_t()
        try check(posix_spawnattr_init(&attributes), "posix_spawnattr_init")
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with no signal blocked and every signal at its default, whatever the spawning thread
        // blocks or this process ignores (SIGPIPE), as it would from a shell.
        var signals = sigset_t()
        sigemptyset(&signals)
        try check(posix_spawnattr_setsigmask(&attributes, &signals), "setsigmask")
        sigfillset(&signals)
        try check(posix_spawnattr_setsigdefault(&attributes, &signals), "setsigdefault")
        try check(
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)), "setflags")

        let argv = CStringArray([executable] + arguments)
        let envp = CStringArray(environment.map { "\($0.key)=\($0.value)" })
        var processID = pid_t()
        // (the arrays must outlive the call: nothing after it uses them, so the optimiser could free them sooner)
        try withExtendedLifetime((argv, envp)) {
            try check(
                posix_spawn(&processID, executable, &actions, &attributes, argv.pointers, envp.pointers),
                "posix_spawn \(executable)")
        }

        let handle = { (descriptor: Int32) in
            pipes.parentEnds[descriptor].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
        }
        let running = Running()
        let child = ChildProcess(
            processID: processID, stdin: handle(STDIN_FILENO), stdout: handle(STDOUT_FILENO),
            stderr: handle(STDERR_FILENO), running: running,
            exited: Task { [processID] in await Self.blocking { Self.reap(processID, running) } }
        )
        pipes.parentEnds = [:]  // now owned by the handles
        return child
    }

    /// What a child run to completion printed, and how it ended.
    struct Finished: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable arguments…` to its end: `input`, if any, is written to its stdin while its stdout and
    /// stderr are read, so no side waits for another with a full pipe.
    static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        directory: URL? = nil,
        input: Data? = nil
    ) async throws -> Finished {
        let child = try Self.spawn(
            executable, arguments, environment: environment, directory: directory,
            stdin: input == nil ? .nullDevice : .pipe, stdout: .pipe, stderr: .pipe
        )
        let (inHandle, outHandle, errHandle) = (child.stdin, child.stdout!, child.stderr!)
        // a child that stops reading early fails the write (EPIPE), not the test process
        async let written: Void = Self.blocking {
            guard let inHandle, let input else { return }
            try? inHandle.write(contentsOf: input)
            try? inHandle.close()
        }
        async let err = Self.blocking { Self.readToEnd(errHandle) }
        let out = await Self.blocking { Self.readToEnd(outHandle) }
        await written
        return Finished(
            status: await child.exitStatus(), stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: await err, as: UTF8.self)
        )
    }

    /// Writing to a child that has stopped reading fails with EPIPE here instead of killing the test process with
    /// SIGPIPE (children themselves start with it at its default).
    private static let brokenPipesIgnored: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    /// The exit status once the child has ended (for a child killed by a signal, the signal's number, as
    /// Foundation reports it). Any number of callers may wait.
    func exitStatus() async -> Int32 {
        await self.exited.value
    }

    /// Sends `signal` to the child, unless it has ended (its process ID may be someone else's by then).
    func signal(_ signal: Int32) {
        self.running.yes.withLock { running in
            if running { _ = kill(self.processID, signal) }
        }
    }

    /// Waits for the child with `waitpid`, so it never lingers as a zombie. It first waits without reaping, so the
    /// ID stays the child's until `running` says it has ended and no signal can go astray.
    private static func reap(_ processID: pid_t, _ running: Running) -> Int32 {
        var info = siginfo_t()
        while waitid(P_PID, id_t(processID), &info, WEXITED | WNOWAIT) == -1, errno == EINTR {}
        running.yes.withLock { $0 = false }
        var status: Int32 = 0
        while waitpid(processID, &status, 0) == -1 {
            guard errno == EINTR else { return -1 }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : signal
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

    private static func check(_ result: Int32, _ what: @autoclosure () -> String) throws {
        guard result == 0 else { throw SpawnFailure(call: what(), code: result) }
    }

    struct SpawnFailure: Error, CustomStringConvertible {
        var call: String
        var code: Int32
        var description: String { "\(self.call) failed: \(String(cString: strerror(self.code)))" }
    }

    /// The pipes made for one spawn: the child's ends close once it has started (it has its own copies), ours
    /// become file handles; on a failure both close.
    private struct OpenPipes {
        var childEnds: [Int32] = []
        var parentEnds: [Int32: Int32] = [:]

        /// A new pipe for the child's `descriptor`; returns the child's end and keeps ours. Both ends are
        /// close-on-exec: the child gets its end through `dup2`, which clears the flag on the copy.
        mutating func make(for descriptor: Int32) throws -> Int32 {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw SpawnFailure(call: "pipe", code: errno) }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            let (read, write) = (ends[0], ends[1])
            let (child, parent) = descriptor == STDIN_FILENO ? (read, write) : (write, read)
            self.childEnds.append(child)
            self.parentEnds[descriptor] = parent
            return child
        }

        mutating func closeChildEnds() {
            for end in self.childEnds { close(end) }
            for end in self.parentEnds.values { close(end) }
        }
    }
}
