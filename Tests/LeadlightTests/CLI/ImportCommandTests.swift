import Foundation
import Testing

@testable import Leadlight

/// `leadlight products import`, `leads import` and `clients import`: the API's import from the command line, with
/// its progress, summary, JSON and exit codes (issue 12).
@Suite struct ImportCommandTests {
    @Test func aCatalogFileImportsWithProgressASummaryAndTheAPIsJSON() async throws {
        let directory = try makeTemporaryDirectory("leadlight-import-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("db.sqlite").path
        let created = try await LeadlightProcess.run(
            [
                "workspace", "create", "--name", "Shop", "--agent-id", "shop", "--owner-email", "o@example.com",
                "--database-url", database,
            ])
        #expect(created.status == 0, "\(created.stderr)")
        var file = "Product Name,SKU,Unit Price,Colour\n"
        for row in 0..<2_500 { file += "Chair \(row),CH-\(row),\(row).50,red\n" }
        file += "Broken,BR-1,twelve,blue\n"
        let path = directory.appendingPathComponent("catalog.csv").path
        try file.write(toFile: path, atomically: true, encoding: .utf8)
        let arguments = ["products", "import", path, "--agent-id", "shop", "--database-url", database]

        let dry = try await LeadlightProcess.run(arguments + ["--dry-run"])
        #expect(dry.status == 1)  // a row fails, even in a dry run
        #expect(dry.stdout.contains("Checked (a dry run: nothing was written) 2501 rows of offerings: 2500 created"))

        let first = try await LeadlightProcess.run(arguments)
        #expect(first.status == 1, "\(first.stderr)")
        #expect(
            first.stdout.contains("Imported 2501 rows of offerings: 2500 created, 0 updated, 0 unchanged, 1 failed."))
        #expect(first.stdout.contains("Columns left out (no field has their name): Colour."))
        #expect(first.stdout.contains("line 2502: price must be a number"))
        #expect(first.stderr.contains("% read: "), "plain progress lines when not on a terminal: \(first.stderr)")

        let again = try await LeadlightProcess.run(arguments + ["--json"])
        #expect(again.status == 1)
        let answer = try JSONDecoder.leadlight.decode(ImportsAPI.ImportResult.self, from: Data(again.stdout.utf8))
        #expect(answer.summary.unchanged == 2_500 && answer.summary.created == 0 && answer.summary.failed == 1)
        #expect(answer.failures.map(\.line) == [2_502])
        #expect(answer.import.origin == .cli && answer.import.fileName == "catalog.csv")

        try await LeadlightDatabase.withOpen(.sqlite(path: database), logger: TestDatabase.logger) { database in
            let count = try await database.sql.raw("SELECT count(*) AS n FROM offerings").first()?
                .decode(column: "n", as: Int.self)
            #expect(count == 2_500)
        }
    }

    @Test func contactListsImportAndUsageErrorsExit64() async throws {
        let directory = try makeTemporaryDirectory("leadlight-import-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("db.sqlite").path
        _ = try await LeadlightProcess.run(
            [
                "workspace", "create", "--name", "Shop", "--agent-id", "shop", "--owner-email", "o@example.com",
                "--database-url", database,
            ])
        let path = directory.appendingPathComponent("people.csv").path
        try "name;email;stage\nAnn;ann@example.com;Touring\n".write(toFile: path, atomically: true, encoding: .utf8)

        let clients = try await LeadlightProcess.run(
            ["clients", "import", path, "--agent-id", "shop", "--database-url", database])
        #expect(clients.status == 0, "\(clients.stderr)")
        #expect(clients.stdout.contains("Imported 1 row of clients: 1 created"))
        let leads = try await LeadlightProcess.run(
            ["leads", "import", path, "--agent-id", "shop", "--database-url", database, "--delimiter", "semicolon"])
        #expect(leads.status == 0, "\(leads.stderr)")
        #expect(leads.stdout.contains("Columns left out (no field has their name): stage."))

        let unknown = try await LeadlightProcess.run(
            ["leads", "import", path, "--agent-id", "nobody", "--database-url", database])
        #expect(unknown.status != 0 && unknown.stderr.contains("nobody"))
        let missing = try await LeadlightProcess.run(
            [
                "products", "import", directory.appendingPathComponent("nope.csv").path, "--agent-id", "shop",
                "--database-url", database,
            ])
        #expect(missing.status == 64 && missing.stderr.contains("cannot read"))
        let badDelimiter = try await LeadlightProcess.run(
            ["products", "import", path, "--agent-id", "shop", "--database-url", database, "--delimiter", "pipe"])
        #expect(badDelimiter.status == 64)
        let colours = directory.appendingPathComponent("colours.csv").path
        try "colour,size\nred,L\n".write(toFile: colours, atomically: true, encoding: .utf8)
        let refused = try await LeadlightProcess.run(
            ["products", "import", colours, "--agent-id", "shop", "--database-url", database])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("was not imported: The header row (line 1) cannot be used"))
    }
}
