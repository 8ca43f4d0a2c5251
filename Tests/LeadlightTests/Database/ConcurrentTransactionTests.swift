import Foundation
import SQLKit
import Testing

@testable import Leadlight

/// Many transactions at once, some failing: on SQLite they are grouped into shared commits
/// (`SQLiteWriteBatcher`), on PostgreSQL they run side by side. Either way each caller gets its own answer, and a
/// failing transaction leaves nothing behind and takes nothing else with it.
@Suite struct ConcurrentTransactionTests {
    private struct Refused: Error, Equatable {
        var number: Int
    }

    @Test(arguments: TestDatabase.available)
    func eachTransactionCommitsOrRollsBackOnItsOwn(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await database.sql.raw("CREATE TABLE scratch (number INTEGER PRIMARY KEY, note TEXT NOT NULL)")
                    .run()
                let count = 200
                let outcomes = await withTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
                    for number in 0..<count {
                        group.addTask {
                            do {
                                let answer = try await database.transaction { tx in
                                    try await tx.raw(
                                        "INSERT INTO scratch (number, note) VALUES (\(bind: number), 'first')"
                                    ).run()
                                    try await tx.raw(
                                        "UPDATE scratch SET note = 'second' WHERE number = \(bind: number)"
                                    ).run()
                                    if number % 7 == 3 { throw Refused(number: number) }  // after writing
                                    return number * 10
                                }
                                return (number, .success(answer))
                            } catch {
                                return (number, .failure(error))
                            }
                        }
                    }
                    var outcomes: [Int: Result<Int, any Error>] = [:]
                    for await (number, outcome) in group { outcomes[number] = outcome }
                    return outcomes
                }
                for number in 0..<count {
                    switch outcomes[number] {
                    case .success(let answer):
                        #expect(number % 7 != 3 && answer == number * 10, "\(number) got \(answer)")
                    case .failure(let error):
                        #expect(error as? Refused == Refused(number: number), "\(number) failed with \(error)")
                    case nil:
                        Issue.record("no outcome for \(number)")
                    }
                }
                let rows = try await database.sql.raw("SELECT number, note FROM scratch ORDER BY number").all()
                let stored = try rows.map { try $0.decode(column: "number", as: Int.self) }
                #expect(stored == (0..<count).filter { $0 % 7 != 3 })
                #expect(try rows.allSatisfy { try $0.decode(column: "note", as: String.self) == "second" })
            }
        }
    }

    /// SQLite's one writer runs transactions in a serial order, batched or not: a read-modify-write from many
    /// callers at once loses no update. (PostgreSQL's read committed would need `FOR UPDATE` for that.)
    @Test func onSQLiteTransactionsRunInASerialOrder() async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await database.sql.raw("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
                    .run()
                try await database.sql.raw("INSERT INTO counter (id, value) VALUES (1, 0)").run()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<100 {
                        group.addTask {
                            try await database.transaction { tx in
                                let row = try await tx.raw("SELECT value FROM counter WHERE id = 1").first()
                                let value = try row?.decode(column: "value", as: Int.self) ?? -1
                                try await tx.raw("UPDATE counter SET value = \(bind: value + 1) WHERE id = 1").run()
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let row = try await database.sql.raw("SELECT value FROM counter WHERE id = 1").first()
                #expect(try row?.decode(column: "value", as: Int.self) == 100)
            }
        }
    }
}
