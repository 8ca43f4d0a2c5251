import Foundation
import Testing

@testable import Leadlight

/// Runs each test of a suite on a thread of its own, at the lowest priority, instead of Swift's shared executor.
///
/// The shared executor has one thread per core, two on CI. A test that computes for seconds without awaiting
/// (a fuzz test's thousands of inputs) holds one of them all that time; two such tests at once held both, and the
/// in-process HTTP servers of other tests, whose handlers run there too, answered nothing for 30 seconds (CI
/// failed on that). On threads of their own at the same priority the thirty fuzz tests still took three
/// quarters of the cores for the suite's first 25 seconds, and a 50 ms sleep elsewhere woke 16 s late; at the
/// lowest priority they take what the rest of the suite leaves.
struct OnAThreadOfItsOwn: SuiteTrait, TestTrait, TestScoping {
    /// Linux keeps 15 bytes of a thread's name.
    static let threadName = "own-test-thread"
    /// The lowest priority (`nice 19`).
    static let niceness: Int32 = 19

    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // A suite's own scope is left alone: its tests inherit a preferred executor, and would share one thread.
        guard testCase != nil else { return try await function() }
        let thread = SQLiteThread(name: Self.threadName)
        defer { thread.stop() }
        try await withTaskExecutorPreference(thread) {
            // Now on the thread: it yields to every other thread of the process while they have work.
            setpriority(__priority_which_t(PRIO_PROCESS.rawValue), currentThreadID(), Self.niceness)
            try await function()
        }
    }
}

extension Trait where Self == OnAThreadOfItsOwn {
    /// Each test on a thread of its own (`OnAThreadOfItsOwn`): for tests that compute for seconds.
    static var onAThreadOfItsOwn: Self { OnAThreadOfItsOwn() }
}

/// The name of the thread this runs on, as Linux keeps it.
func currentThreadName() -> String {
    let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
    return name.trimmingCharacters(in: .newlines)
}

/// The kernel's id of the thread this runs on (`gettid`, which Swift's Glibc does not offer): `/proc/thread-self`
/// links to `PID/task/TID`.
func currentThreadID() -> id_t {
    let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
    return link.split(separator: "/").last.flatMap { id_t($0) } ?? 0
}
