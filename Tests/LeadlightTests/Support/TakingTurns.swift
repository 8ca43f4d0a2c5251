import Testing

/// Tests that load the machine (a browser, server processes killed and restarted) or that check how soon
/// something happens (retry spacing, a notification, a cache window) take turns: one such test case runs at a
/// time, in the order they asked, while the light tests run beside them in parallel as usual.
///
/// On CI's two cores, a browser session and two crash tests running beside a retry-timing test once made it
/// see its attempts seconds late. Taking turns keeps each timing check about the code, not the neighbours.
struct TakingTurns: TestTrait, SuiteTrait, TestScoping {
    /// On a suite, each test function in it (and each of its cases) takes its own turn.
    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        await Turn.shared.take()
        do {
            try await function()
        } catch {
            await Turn.shared.pass()
            throw error
        }
        await Turn.shared.pass()
    }
}

extension Trait where Self == TakingTurns {
    /// Runs one test case at a time among every test or suite marked `.takingTurns`.
    static var takingTurns: Self { TakingTurns() }
}

/// The process-wide turn: a first-come, first-served lock that suspends waiters instead of blocking threads.
private actor Turn {
    static let shared = Turn()

    private var taken = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func take() async {
        guard self.taken else {
            self.taken = true
            return
        }
        await withCheckedContinuation { self.waiting.append($0) }  // handed the turn by `pass`, still taken
    }

    func pass() {
        if self.waiting.isEmpty {
            self.taken = false
        } else {
            self.waiting.removeFirst().resume()
        }
    }
}
