import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing

@testable import Leadlight

/// `POST /api/v1/products/import`: a CSV file of offerings, streamed in chunks through the bulk upsert (issue 12).
@Suite struct OfferingImportTests {
    /// A file as a spreadsheet saves it: a byte-order mark, CRLF, quoted fields holding commas, quotes and line
    /// breaks, headers named the way other tools name them, a column no field has, blank lines.
    static let spreadsheetFile =
        "\u{FEFF}Product Name,SKU,Unit Price,Qty,Product Type,Notes,Description\r\n"
        + "\"Oak table, large\",OAK-1,249.00,4,product,keep dry,\"Solid oak; \"\"heirloom\"\" grade\"\r\n"
        + "\r\n"
        + "Pine shelf,PINE-1,19.99,12,PRODUCT,,\"Two lines\r\nof text\"\r\n"
        + "Home staging,,300,,service,,\r\n"
        + ",,,,,,\r\n"

    @Test(arguments: TestDatabase.available)
    func aSpreadsheetsFileImportsExactlyAndImportingItAgainChangesNothing(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                // the service row has neither sku nor externalId: it fails with its line, the others go in
                let first = try await client.importProducts(Self.spreadsheetFile, key: key)
                #expect(first.status.code == 207)
                let result = try first.importResult
                #expect(result.summary.total == 3 && result.summary.created == 2 && result.summary.failed == 1)
                #expect(result.failures.map(\.line) == [6])
                #expect(result.failures.first?.errors.map(\.field) == ["externalId"])
                #expect(
                    result.columns.map(\.field) == ["name", "sku", "price", "stockQty", "type", nil, "description"])
                #expect(result.import.writtenLines == [.init(from: 2, to: 7)])
                #expect(result.import.linesRead == 7 && result.import.status == .completed)

                let stored = try await seed.offerings(in: workspace.workspace.id).sorted { $0.name < $1.name }
                #expect(stored.map(\.name) == ["Oak table, large", "Pine shelf"])
                #expect(stored[0].description == "Solid oak; \"heirloom\" grade")
                #expect(stored[0].price == Money(units: 2_490_000) && stored[0].stockQty == 4)
                #expect(stored[1].description == "Two lines\r\nof text")

                let again = try await client.importProducts(Self.spreadsheetFile, key: key)
                let second = try again.importResult
                #expect(second.summary.unchanged == 2 && second.summary.created == 0 && second.summary.updated == 0)
                #expect(try await seed.offerings(in: workspace.workspace.id).count == 2)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func everyBrokenRowComesBackWithItsLineAndReasonAndTheErrorFileHoldsIt(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            var file = Array("sku,name,price,active\n".utf8)
            file += Array("A-1,Good,1.50,yes\n".utf8)  // 2
            file += Array("A-2,Ragged,2\n".utf8)  // 3: a field short
            file += Array("A-3,Bad price,12abc,true\n".utf8)  // 4
            file += Array("A-4,Caf".utf8) + [0xE9] + Array(",3,true\n".utf8)  // 5: Latin-1, not UTF-8
            file += Array("A-1,Again,1.50,true\n".utf8)  // 6: a sku seen on line 2
            file += Array("A-5,\"=HYPERLINK(\"\"x\"\")\",4,maybe\n".utf8)  // 7: not true or false
            file += Array("A-6,Fine,5,no\n".utf8)  // 8
            file += Array("A-7,\"never closed,6,true\nA-8,Lost,7,true\n".utf8)  // 9-10: the quote runs to the end
            let body = Data(file)
            try await app.test(.router) { client in
                let response = try await client.importProducts(body, key: key)
                #expect(response.status.code == 207)
                let result = try response.importResult
                #expect(result.summary.created == 2 && result.summary.failed == 6)
                let failures = Dictionary(uniqueKeysWithValues: result.failures.map { ($0.line, $0.errors) })
                #expect(failures.keys.sorted() == [3, 4, 5, 6, 7, 9])
                #expect(failures[3]?.first?.message == "has 3 fields; the header row has 4")
                #expect(failures[4]?.first?.field == "price")
                #expect(failures[5]?.first?.field == "name")
                #expect(failures[5]?.first?.message.contains("not UTF-8") == true)
                #expect(failures[6]?.first?.message == "appears earlier in this file, on line 2")
                #expect(failures[7]?.first?.field == "active")
                #expect(failures[9]?.first?.message.contains("never closed") == true)
                #expect(failures[9]?.first?.message.contains("line 10") == true)

                let errors = try await client.send(.get, result.import.errorFile, body: Data(), key: key)
                #expect(errors.status == .ok)
                #expect(errors.headers[.contentType] == "text/csv; charset=utf-8")
                let lines = String(buffer: errors.body).components(separatedBy: "\r\n")
                #expect(lines[0] == "sku,name,price,active,line,errors")
                #expect(lines[1] == "A-2,Ragged,2,,3,row: has 3 fields; the header row has 4")
                #expect(lines.contains { $0.hasPrefix("A-3,Bad price,12abc,true,4,\"price: ") })
                // a cell a spreadsheet would run as a formula is written as text
                #expect(lines.contains { $0.hasPrefix("A-5,\"'=HYPERLINK(\"\"x\"\")\",4,maybe,7,\"active: ") })
                #expect(lines.count == 8)  // header, six failures, the empty string after the last CRLF
                let stored = try await seed.offerings(in: workspace.workspace.id)
                #expect(Set(stored.compactMap(\.sku)) == ["A-1", "A-6"])
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func semicolonsAreFoundOrChosenAndADryRunWritesNothing(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            let file = "sku;name;price\nS-1;\"Semi; colon\";1,5\nS-2;Two;2\n"
            try await app.test(.router) { client in
                let dry = try await client.importProducts(file, key: key, query: "dryRun=true")
                let checked = try dry.importResult
                #expect(checked.dryRun && checked.import.dryRun)
                // "1,5" is not a price: a decimal comma is refused rather than read as 15
                #expect(checked.summary.created == 1 && checked.summary.failed == 1)
                #expect(checked.failures.map(\.line) == [2] && checked.import.writtenLines.isEmpty)
                #expect(try await seed.offerings(in: workspace.workspace.id).isEmpty)

                let fixed = file.replacingOccurrences(of: "1,5", with: "1.5")
                let real = try await client.importProducts(
                    fixed, key: key, query: "delimiter=semicolon&fileName=stock.csv")
                #expect(real.status == .ok)
                let result = try real.importResult
                #expect(result.success && result.summary.created == 2 && result.import.fileName == "stock.csv")
                #expect(
                    try await seed.offerings(in: workspace.workspace.id).map(\.name).sorted() == ["Semi; colon", "Two"])

                // a comma chosen for a semicolon file: one column, named by no field
                let wrong = try await client.importProducts(fixed, key: key, query: "delimiter=comma")
                #expect(wrong.status == .badRequest)
                #expect(try wrong.error.error.code == "unusable_file")

                let list = try await client.send(.get, "/api/v1/imports", body: Data(), key: key)
                let imports = try list.decode(ImportsAPI.ImportList.self).imports
                #expect(imports.map(\.status) == [.refused, .completed, .completed])
                #expect(imports.map(\.dryRun) == [false, false, true])
                #expect(imports.allSatisfy { $0.startedBy.contains("API key") && $0.origin == .api })
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func whatIsNotACSVFileIsRefusedClearly(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let json = try await client.send(.post, "/api/v1/products/import", body: Data("{}".utf8), key: key)
                #expect(json.status == .unsupportedMediaType)
                for body in ["", "\r\n\r\n", "colour,size\nred,L\n"] {
                    let refused = try await client.importProducts(body, key: key)
                    #expect(refused.status == .badRequest, "\(body.debugDescription)")
                    #expect(try refused.error.error.message.isEmpty == false)
                }
                let badHeader = try await client.importProducts(Data([0x73, 0x6B, 0xFF, 0x0A]), key: key)
                #expect(try badHeader.error.error.message.contains("not UTF-8"))
                let badFlag = try await client.importProducts("sku\n", key: key, query: "dryRun=perhaps")
                #expect(badFlag.status == .badRequest)
                let other = try await client.send(.get, "/api/v1/imports/imp_nope", body: Data(), key: key)
                #expect(other.status == .notFound)
            }
        }
    }

    /// Each chunk of 1,000 rows commits alone: a chunk the database refuses stops the import there, and the
    /// chunks before it stay written, as the import's record says.
    @Test(arguments: TestDatabase.available)
    func aChunkThatFailsToWriteStopsTheImportAndTheChunksBeforeItStay(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            if database == .sqlite {
                try await seed.database.sql.raw(
                    """
                    CREATE TRIGGER refuse_boom BEFORE INSERT ON offerings WHEN NEW.sku = 'BOOM'
                    BEGIN SELECT RAISE(ABORT, 'the disk is on fire'); END
                    """
                ).run()
            } else {
                try await seed.database.sql.raw(
                    """
                    CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN
                    IF NEW.sku = 'BOOM' THEN RAISE EXCEPTION 'the disk is on fire'; END IF; RETURN NEW; END $$
                    LANGUAGE plpgsql
                    """
                ).run()
                try await seed.database.sql.raw(
                    "CREATE TRIGGER refuse_boom BEFORE INSERT ON offerings FOR EACH ROW EXECUTE FUNCTION refuse_boom()"
                ).run()
            }
            var file = "sku,name\n"
            for row in 0..<2_500 { file += row == 1_500 ? "BOOM,Boom\n" : "C-\(row),Chair \(row)\n" }
            let body = file
            try await app.test(.router) { client in
                let response = try await client.importProducts(body, key: key)
                #expect(response.status.code >= 500)
                let list = try await client.send(.get, "/api/v1/imports", body: Data(), key: key)
                let record = try #require(try list.decode(ImportsAPI.ImportList.self).imports.first)
                #expect(record.status == .interrupted)
                #expect(record.writtenLines == [.init(from: 2, to: 1001)])
                #expect(record.summary.created == 1_000)
                #expect(record.message?.contains("stopped") == true)
                #expect(try await seed.offerings(in: workspace.workspace.id).count == 1_000)
            }
        }
    }

    /// Two imports of the same file into one workspace at once both complete, and nothing is duplicated.
    @Test(arguments: TestDatabase.available)
    func twoImportsAtOnceBothCompleteAndDuplicateNothing(on database: TestDatabase) async throws {
        try await withTestApp(database, configure: { $0.rateLimitPerMinute = 1_000 }) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            var file = "sku,name,price\n"
            for row in 0..<3_000 { file += "T-\(row),Table \(row),\(row).25\n" }
            let body = file
            try await app.test(.live) { client in
                let port = try #require(client.port)
                // two connections (the test client has one)
                let results = try await withThrowingTaskGroup(of: ImportsAPI.ImportResult.self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            try await importOverItsOwnConnection(body, port: port, path: "products", key: key)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.allSatisfy { $0.import.status == .completed && $0.summary.failed == 0 })
                #expect(results.map(\.summary.created).reduce(0, +) == 3_000)
                #expect(
                    results.map { $0.summary.created + $0.summary.unchanged + $0.summary.updated } == [3_000, 3_000])
                #expect(try await seed.offerings(in: workspace.workspace.id).count == 3_000)
            }
        }
    }

    /// A client that hangs up half way: the rows it sent whole are imported, and the record says where it stopped.
    @Test(arguments: TestDatabase.available)
    func aClientThatHangsUpHalfWayLeavesARecordOfWhatWasRead(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            var sent = "sku,name\n"
            for row in 0..<1_500 { sent += "H-\(row),Hat \(row)\n" }
            sent += "H-1500,Ha"  // cut in the middle of a row
            let body = Array(sent.utf8)
            try await app.test(.live) { client in
                let port = try #require(client.port)
                try await WriteFirstHTTPClient.hangUp(
                    port: port,
                    head: [
                        "POST /api/v1/products/import HTTP/1.1", "Host: 127.0.0.1", "Authorization: Bearer \(key)",
                        "Content-Type: text/csv", "Content-Length: \(body.count * 2)",
                    ],
                    body: body)
                var record: ImportsAPI.ImportBody?
                for _ in 0..<100 {
                    let list = try await client.send(.get, "/api/v1/imports", body: Data(), key: key)
                    record = try list.decode(ImportsAPI.ImportList.self).imports.first
                    if let record, record.status != .running { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let stopped = try #require(record)
                #expect(stopped.status == .interrupted)
                #expect(stopped.bytesRead == body.count)
                #expect(stopped.linesRead == 1_501)
                #expect(stopped.summary.created == 1_500)
                #expect(stopped.writtenLines == [.init(from: 2, to: 1_501)])
                #expect(stopped.message?.contains("stopped arriving") == true)
                #expect(try await seed.offerings(in: workspace.workspace.id).count == 1_500)
            }
        }
    }
}

extension TestClientProtocol {
    /// `POST /api/v1/products/import` with `file` as the body.
    func importProducts(_ file: String, key: String, query: String = "") async throws -> TestResponse {
        try await self.importProducts(Data(file.utf8), key: key, query: query)
    }

    func importProducts(_ file: Data, key: String, query: String = "") async throws -> TestResponse {
        try await self.send(
            .post, "/api/v1/products/import" + (query.isEmpty ? "" : "?" + query), body: file, key: key,
            contentType: "text/csv")
    }
}

/// `POST /api/v1/{path}/import` over a connection of its own (the live test client has one for all).
func importOverItsOwnConnection(_ file: String, port: Int, path: String, key: String) async throws
    -> ImportsAPI.ImportResult
{
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/\(path)/import")
    request.method = .POST
    request.headers.add(name: "Authorization", value: "Bearer \(key)")
    request.headers.add(name: "Content-Type", value: "text/csv")
    request.body = .bytes(ByteBuffer(string: file))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
    let answer = try await response.body.collect(upTo: 1 << 20)
    return try JSONDecoder.leadlight.decode(ImportsAPI.ImportResult.self, from: answer)
}

extension TestResponse {
    var importResult: ImportsAPI.ImportResult {
        get throws { try self.decode(ImportsAPI.ImportResult.self) }
    }
}
