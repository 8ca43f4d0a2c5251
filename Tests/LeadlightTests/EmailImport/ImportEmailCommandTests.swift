import Foundation
import SQLKit
import Testing

@testable import Leadlight

/// `leadlight leads import-email FILE --agent-id SLUG`, run as the built executable: the same import as the
/// inbound address, with its exit codes (0 made or imported before, 1 no lead or unreadable, 64 usage, as for every command).
@Suite struct ImportEmailCommandTests {
    @Test(arguments: TestDatabase.available)
    func aSavedEmailBecomesALeadOnceFromTheCommandLine(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            let url = location.databaseURL
            let environment = ["LEADLIGHT_DATABASE_URL": url]
            func leadlight(_ arguments: String...) async throws -> ChildProcess.Finished {
                try await LeadlightProcess.run(arguments, environment: environment)
            }
            let made = try await leadlight(
                "workspace", "create", "--name", "Mail", "--agent-id", "mail", "--owner-email", "o@example.com",
                "--json")
            #expect(made.status == 0, "\(made.stderr)")

            let created = try await leadlight(
                "leads", "import-email", EmailFixture.zillow.url.path, "--agent-id", "mail", "--json")
            #expect(created.status == 0, "\(created.stderr)")
            let answer = try JSONDecoder().decode(EmailImportOperations.Answer.self, from: Data(created.stdout.utf8))
            #expect(answer.outcome == "created")
            #expect(answer.source == "zillow")

            let again = try await leadlight("leads", "import-email", EmailFixture.zillow.url.path, "--agent-id", "mail")
            #expect(again.status == 0)
            #expect(again.stdout.contains("Imported before: lead \(answer.leadId ?? "?")"))

            let text = try await leadlight("leads", "import-email", EmailFixture.realtor.url.path, "--agent-id", "mail")
            #expect(text.status == 0)
            #expect(text.stdout.contains("(source realtor.com)"))

            let skipped = try await leadlight(
                "leads", "import-email", EmailFixture.autoreply.url.path, "--agent-id", "mail", "--json")
            #expect(skipped.status == 1)
            let skip = try JSONDecoder().decode(EmailImportOperations.Answer.self, from: Data(skipped.stdout.utf8))
            #expect(skip.outcome == "skipped")
            #expect(skip.reason == "an automatic message (Auto-Submitted: auto-replied)")

            // unreadable, missing, unknown workspace, no file: clear errors, nothing stored
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eml-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let broken = folder.appendingPathComponent("broken.eml")
            try Data("Subject: no sender\r\n\r\nhello\r\n".utf8).write(to: broken)
            let unreadable = try await leadlight("leads", "import-email", broken.path, "--agent-id", "mail")
            #expect(unreadable.status == 1)
            #expect(unreadable.stderr.contains("is not an email that can be read"))
            let missing = try await leadlight(
                "leads", "import-email", folder.appendingPathComponent("none.eml").path, "--agent-id", "mail")
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("cannot read"))
            let nobody = try await leadlight(
                "leads", "import-email", EmailFixture.homes.url.path, "--agent-id", "nobody")
            #expect(nobody.status != 0)
            #expect(nobody.stderr.contains("nobody"))
            let usage = try await leadlight("leads", "import-email", "--agent-id", "mail")
            #expect(usage.status == 64, "EX_USAGE, as every leadlight command answers a usage error")

            // what the CLI made is what the API shows, each with its lead.created
            try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
                let workspace = try #require(
                    try await WorkspaceStore(database: database.sql).find(agentID: AgentID(rawValue: "mail")!))
                let sources = try await database.sql.raw(
                    "SELECT source FROM leads WHERE workspace_id = \(bind: workspace.id.rawValue)"
                ).all().map { try $0.decode(column: "source", as: String.self) }
                #expect(sources.sorted() == ["realtor.com", "zillow"])
                let events = try await Outbox(database: database.sql).events(in: workspace.id)
                #expect(events.filter { $0.type == .leadCreated }.count == 2)
            }
        }
    }
}
