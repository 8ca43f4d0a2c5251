import Testing

@testable import Leadlight

@Suite struct TimerSleepTests {
    @Test func itReturnsOnceItsTimeHasPassed() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        try await TimerSleep.sleep(for: .milliseconds(50))
        #expect(clock.now - started >= .milliseconds(50))
    }

    @Test func cancelledItThrowsCancellationAtOnce() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let sleeper = Task { try await TimerSleep.sleep(for: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(20))
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.now - started < .seconds(30))
    }

    @Test func cancelledBeforeItStartsItDoesNotSleepAtAll() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await TimerSleep.sleep(for: .seconds(60))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.now - started < .seconds(30))
    }
}
