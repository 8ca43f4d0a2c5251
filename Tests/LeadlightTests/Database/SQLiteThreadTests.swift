import Foundation
import Testing

@testable import Leadlight

struct SQLiteThreadTests {
    /// Foundation's `Thread.name` raced with the thread's start and now and then left a thread with its creator's
    /// name; many threads started at once, from a thread of another name, each carry their own.
    @Test func everyThreadCarriesItsOwnName() async {
        let names = await Task.detached {
            await withTaskGroup(of: String.self) { group in
                for number in 0..<64 {
                    group.addTask {
                        let thread = SQLiteThread(name: "named-\(number)")
                        defer { thread.stop() }
                        return await withTaskExecutorPreference(thread) { "\(number) " + currentThreadName() }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }.value
        for name in names {
            let parts = name.split(separator: " ")
            #expect(parts.count == 2 && parts[1] == "named-\(parts[0])")
        }
        #expect(names.count == 64)
    }
}
