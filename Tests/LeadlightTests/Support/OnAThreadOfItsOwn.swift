import Foundation
import Testing

@testable import Leadlight

/// Runs each test of a suite on a thread of its own instead of Swift's shared executor.
///
/// The shared executor has one thread per core, two on CI. A test that computes for seconds without awaiting
/// (a fuzz test's thousands of inputs) holds one of them all that time; two such tests at once held both, and the
/// in-process HTTP servers of other tests, whose handlers run there too, answered nothing for 30 seconds (CI
/// failed on that). On a thread of its own such a test shares the cores with everything else, as the kernel
/// deals them out, and the shared executor stays free.
struct OnAThreadOfItsOwn: SuiteTrait, TestTrait, TestScoping {
    /// Linux keeps 15 bytes of a thread's name.
    static let threadName = "own-test-thread"

    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // A suite's own scope is left alone: its tests inherit a preferred executor, and would share one thread.
        guard testCase != nil else { return try await function() }
        let thread = SQLiteThread(name: Self.threadName)
        defer { thread.stop() }
        try await withTaskExecutorPreference(thread) { try await function() }
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
