import Foundation
import NIOCore
import SQLKit
import Testing

@testable import Leadlight

/// SQLite's writer, which drives SQLite's C interface itself (`SQLiteDirectConnection`): every kind of value it binds comes
/// back as written through the readers (SQLiteNIO), a failed constraint is recognised, statements stay right past
/// the number kept prepared, and a closed database refuses writes rather than hanging.
@Suite struct SQLiteWriterTests {
    struct Row: Codable, Equatable {
        var id: Int64
        var note: String?
        var amount: Double?
        var payload: Data?
    }

    @Test func everyKindOfValueIsWrittenAsReadBack() async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await database.transaction { tx in
                    try await tx.raw(
                        "CREATE TABLE scratch (id INTEGER PRIMARY KEY, note TEXT, amount REAL, payload BLOB)"
                    )
                    .run()
                }
                let rows = [
                    Row(id: 1, note: "", amount: 0, payload: Data()),
                    Row(id: 2, note: "Zoë 👩‍💻 日本", amount: -1.5, payload: Data([0, 1, 255])),
                    Row(id: Int64.max, note: nil, amount: nil, payload: nil),
                    Row(
                        id: Int64.min, note: String(repeating: "x", count: 100_000), amount: 1e300,
                        payload: Data(count: 70_000)),
                ]
                try await database.transaction { tx in
                    for row in rows { try await tx.insert(into: "scratch").model(row).run() }
                }
                let read = try await database.sql.select().columns("id", "note", "amount", "payload").from("scratch")
                    .orderBy("id").all(decoding: Row.self)
                #expect(read == rows.sorted { $0.id < $1.id })
                #expect(
                    try await database.sql.raw("SELECT count(*) AS n FROM scratch WHERE note = ''").first()?
                        .decode(column: "n", as: Int.self) == 1, "an empty text is a text, not NULL")

                // rows the writer reads come back as the readers' do
                let again = try await database.transaction { tx in
                    try await tx.select().columns("id", "note", "amount", "payload").from("scratch").orderBy("id")
                        .all(decoding: Row.self)
                }
                #expect(again == read)
            }
        }
    }

    @Test func aUniqueViolationIsRecognisedAndLeavesNothing() async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await database.transaction { tx in
                    try await tx.raw("CREATE TABLE scratch (id INTEGER PRIMARY KEY, email TEXT UNIQUE)").run()
                    try await tx.raw("INSERT INTO scratch (id, email) VALUES (1, 'a@example.com')").run()
                }
                do {
                    try await database.transaction { tx in
                        try await tx.raw("INSERT INTO scratch (id, email) VALUES (2, 'b@example.com')").run()
                        try await tx.raw("INSERT INTO scratch (id, email) VALUES (3, 'a@example.com')").run()
                    }
                    Issue.record("the second email was taken")
                } catch {
                    #expect(UniqueViolation.matches(error, column: "email"))
                    #expect(!UniqueViolation.matches(error, column: "name"))
                }
                do {
                    try await database.transaction { tx in
                        try await tx.raw("INSERT INTO scratch (id, email) VALUES (1, 'c@example.com')").run()
                    }
                    Issue.record("the id was taken")
                } catch {
                    #expect(UniqueViolation.matches(error))
                }
                let count = try await database.sql.raw("SELECT count(*) AS n FROM scratch").first()?
                    .decode(column: "n", as: Int.self)
                #expect(count == 1, "the failed transactions left nothing")
            }
        }
    }

    /// One statement run for many rows (a bulk upsert's way on SQLite): each row written with its own values,
    /// NULLs included, and a row that breaks a constraint fails the transaction, which then leaves nothing.
    @Test func oneStatementRunForManyRowsWritesEachAndAFailureLeavesNothing() async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await database.transaction { tx in
                    try await tx.raw("CREATE TABLE scratch (id INTEGER PRIMARY KEY, email TEXT UNIQUE, n INTEGER)")
                        .run()
                }
                let insert = "INSERT INTO scratch (id, email, n) VALUES (?, ?, ?)"
                try await database.transaction { tx in
                    let sqlite = try #require(tx as? SQLiteDirectDatabase)
                    try sqlite.run(
                        insert,
                        forEach: (1...500).map {
                            [.integer($0), .text("\($0)@example.com"), $0 % 2 == 0 ? .null : .integer($0)]
                        })
                    try sqlite.run(insert, forEach: [])
                }
                let sum = try await database.sql.raw("SELECT count(*) AS rows, sum(n) AS n FROM scratch").first()
                #expect(try sum?.decode(column: "rows", as: Int.self) == 500)
                #expect(try sum?.decode(column: "n", as: Int.self) == (1...500).filter { $0 % 2 == 1 }.reduce(0, +))
                do {
                    try await database.transaction { tx in
                        try (tx as? SQLiteDirectDatabase)?.run(
                            insert,
                            forEach: [
                                [.integer(501), .text("new@example.com"), .null],
                                [.integer(502), .text("7@example.com"), .null],
                            ])
                    }
                    Issue.record("the second row's email was taken")
                } catch {
                    #expect(UniqueViolation.matches(error, column: "email"))
                }
                let count = try await database.sql.raw("SELECT count(*) AS n FROM scratch").first()?
                    .decode(column: "n", as: Int.self)
                #expect(count == 500, "the failed transaction left nothing, not even its first row")
                // the statement, kept prepared, still runs rightly after the failure
                try await database.transaction { tx in
                    try (tx as? SQLiteDirectDatabase)?.run(
                        insert, forEach: [[.integer(503), .text("x@example.com"), .integer(1)]])
                }
                let after = try await database.sql.raw("SELECT count(*) AS n FROM scratch").first()?
                    .decode(column: "n", as: Int.self)
                #expect(after == 501)
            }
        }
    }

    @Test func statementsPastTheNumberKeptPreparedStayRight() async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await database.transaction { tx in
                    try await tx.raw("CREATE TABLE scratch (id INTEGER PRIMARY KEY, note TEXT NOT NULL)").run()
                }
                // more distinct statements than are kept, each used twice, in one transaction and in many
                let distinct = SQLiteDirectConnection.keptStatements + 40
                try await database.transaction { tx in
                    for number in 0..<distinct {
                        try await tx.raw(
                            "INSERT INTO scratch (id, note) VALUES (\(unsafeRaw: String(number)), \(bind: "n\(number)"))"
                        ).run()
                    }
                }
                for number in 0..<distinct {
                    try await database.transaction { tx in
                        try await tx.raw(
                            "UPDATE scratch SET note = note || '!' WHERE id = \(unsafeRaw: String(number)) AND 1 = \(bind: 1)"
                        ).run()
                    }
                }
                let notes = try await database.sql.raw("SELECT note FROM scratch ORDER BY id").all().map {
                    try $0.decode(column: "note", as: String.self)
                }
                #expect(notes == (0..<distinct).map { "n\($0)!" })

                // a statement too long to keep (a bulk upsert's many rows) is prepared for each use
                for round in 0..<2 {
                    let first = 10_000 + round * 500
                    let rows = (first..<first + 500).map { (id: $0, note: "bulk \($0)") }
                    try await database.transaction { tx in
                        let insert = tx.insert(into: "scratch").columns("id", "note")
                        for row in rows { insert.values(SQLBind(row.id), SQLBind(row.note)) }
                        try await insert.run()
                    }
                }
                let bulk = try await database.sql.raw("SELECT count(*) AS n FROM scratch WHERE note LIKE 'bulk %'")
                    .first()?.decode(column: "n", as: Int.self)
                #expect(bulk == 1000)
            }
        }
    }

    /// Checkpoints run beside the writer, and the writer still finishes one at 1,000 pages, waiting at 4,000 for
    /// one beside it that runs long: under writes that never pause, the write-ahead log stays bounded (a checkpoint
    /// beside a busy writer alone never catches up, and the log would hold every page written).
    @Test func theWriteAheadLogStaysBoundedUnderWritesThatNeverPause() async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            guard case .sqlite(let path) = location else { return }
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                try await database.transaction { tx in
                    try await tx.raw("CREATE TABLE scratch (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)").run()
                }
                let (writers, each) = (8, 1_250)  // 10,000 rows of 2 KB: about 20 MB written through the log
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<writers {
                        group.addTask {
                            for row in 0..<each {
                                try await database.transaction { tx in
                                    try await tx.raw(
                                        "INSERT INTO scratch (id, payload) VALUES (\(bind: writer * each + row), \(bind: Data(count: 2048)))"
                                    ).run()
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let count = try await database.sql.raw("SELECT count(*) AS n FROM scratch").first()?
                    .decode(column: "n", as: Int.self)
                #expect(count == writers * each)
                let log = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
                // 4–5 MB on an idle machine; up to about 17 MB (4,000 pages) while a checkpoint beside the writer
                // runs long on a busy one (51 MB in a CI run before the writer waited for it), and about 195 MB if
                // the writer never checkpointed
                #expect(log < 32 << 20, "the log grew to \(log) bytes")
            }
        }
    }

    @Test func aClosedDatabaseRefusesWritesInsteadOfHanging() async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            let database = try await LeadlightDatabase.open(location, logger: TestDatabase.logger)
            try await database.transaction { tx in try await tx.raw("CREATE TABLE scratch (id INTEGER)").run() }
            await database.close()
            await #expect(throws: SQLiteDirectError.self) {
                try await database.transaction { tx in try await tx.raw("INSERT INTO scratch (id) VALUES (1)").run() }
            }
        }
    }
}
