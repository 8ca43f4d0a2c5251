import Foundation
import Testing

/// The trait the fuzz suites run under does move their tests off Swift's shared executor.
@Suite(.onAThreadOfItsOwn) struct OnAThreadOfItsOwnTests {
    @Test func aTestRunsOnAThreadOfItsOwnAtTheLowestPriority() {
        #expect(currentThreadName() == OnAThreadOfItsOwn.threadName)
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), currentThreadID()) == OnAThreadOfItsOwn.niceness)
    }

    @Test(arguments: 1...2) func soDoesEachCaseOfAParameterizedTest(case: Int) async {
        #expect(currentThreadName() == OnAThreadOfItsOwn.threadName)
        await Task.yield()
        #expect(currentThreadName() == OnAThreadOfItsOwn.threadName, "and it comes back there after a suspension")
    }

    @Test func otherSuitesRunOnTheSharedExecutor() async {
        await Task.detached {
            #expect(currentThreadName() != OnAThreadOfItsOwn.threadName)
            #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), currentThreadID()) == 0)
        }.value
    }
}
