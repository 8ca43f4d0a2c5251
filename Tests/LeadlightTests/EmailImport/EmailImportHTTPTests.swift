import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing

@testable import Leadlight

/// `POST /inbound/email/{token}` (issue 11, email import) on both databases: every format an email service
/// posts makes its lead and one `lead.created`; an email sent twice makes one lead; mail that holds no lead is
/// recorded as skipped and shown under Settings → Email import; bad input is a clear 4xx and stores nothing.
@Suite struct EmailImportHTTPTests {
    struct Inbox: Sendable {
        let seed: TestSeed
        let workspace: WorkspaceProvisioner.Provisioned
        let token: String

        var path: String { "/inbound/email/\(self.token)" }
        var workspaceID: Workspace.ID { self.workspace.workspace.id }

        func post(_ body: [UInt8], contentType: String?, to path: String? = nil, on client: any TestClientProtocol)
            async throws -> TestResponse
        {
            var headers: HTTPFields = [:]
            if let contentType { headers[.contentType] = contentType }
            return try await client.execute(
                uri: path ?? self.path, method: .post, headers: headers, body: ByteBuffer(bytes: body))
        }

        func post(_ fixture: EmailFixture, on client: any TestClientProtocol) async throws -> TestResponse {
            let (body, contentType) = try fixture.posted
            return try await self.post(body, contentType: contentType, on: client)
        }

        func leads(on client: any TestClientProtocol) async throws -> [[String: Any]] {
            try await client.get("/api/v1/leads?limit=100", key: self.workspace.apiKey.value).json["leads"]
                as? [[String: Any]] ?? []
        }

        func leadEvents() async throws -> [Event] {
            try await Outbox(database: self.seed.database.sql).events(in: self.workspaceID)
                .filter { $0.type == .leadCreated }
        }

        func received() async throws -> [InboundEmailRecord] {
            try await EmailImportOperations(database: self.seed.database, clock: self.seed.clock)
                .latest(100, in: self.workspaceID)
        }

        static func run(
            _ database: TestDatabase, _ body: @Sendable (Inbox, any TestClientProtocol) async throws -> Void
        ) async throws {
            try await withTestApp(database) { app, seed in
                let workspace = try await seed.workspace()
                let token = try await EmailImportOperations(database: seed.database, clock: seed.clock)
                    .addressToken(of: workspace.workspace.id)
                try await app.test(.router) { client in
                    try await body(Inbox(seed: seed, workspace: workspace, token: token), client)
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func everyFormatMakesItsLeadWithItsSourceAndOneLeadCreatedEach(on database: TestDatabase) async throws {
        try await Inbox.run(database) { inbox, client in
            let expected: [(EmailFixture, email: String, source: String)] = [
                (.zillow, "maria.gonzalez@example.net", "zillow"),
                (.realtor, "jurgen.okafor@example.com", "realtor.com"),
                (.homes, "priya.raman@example.org", "homes.com"),
                (.webform, "tom.becker@example.com", "email"),
                (.person, "lena.fischer@example.com", "email"),
                (.postmark, "grace.ho@example.com", "email"),
                (.sendgrid, "andre.silva@example.com", "email"),
            ]
            for (fixture, email, source) in expected {
                let response = try await inbox.post(fixture, on: client)
                #expect(response.status == .ok, "\(fixture.rawValue): \(response.text)")
                let answer = try response.decode(EmailImportOperations.Answer.self)
                #expect(answer.outcome == "created", "\(fixture.rawValue): \(answer)")
                #expect(answer.source == source, "\(fixture.rawValue)")
                let lead = try #require(
                    try await inbox.leads(on: client).first { $0["id"] as? String == answer.leadId }, "\(fixture)")
                #expect(lead["email"] as? String == email, "\(fixture.rawValue)")
                #expect(lead["source"] as? String == source, "\(fixture.rawValue)")
            }
            // SendGrid's raw shape: the whole message in one field (a Homes.com lead, not yet imported)
            let (raw, rawType) = try EmailFixture.sendGridRaw(.homes)
            #expect(
                try await inbox.post(raw, contentType: rawType, on: client).decode(EmailImportOperations.Answer.self)
                    .outcome == "duplicate", "the same Message-ID as the Homes.com email posted raw before")

            let zillow = try #require(try await inbox.leads(on: client).first { $0["source"] as? String == "zillow" })
            #expect(zillow["name"] as? String == "Maria González")
            #expect(zillow["phone"] as? String == "(512) 555-0148")
            #expect(zillow["propertyAddress"] as? String == "1842 Larkspur Lane, Austin, TX 78704")
            let notes = try #require(zillow["notes"] as? String)
            #expect(notes.contains("Is Saturday morning possible?"))
            #expect(notes.contains("Listing: https://www.zillow.com/homedetails/1842-Larkspur-Ln-Austin-TX-78704/"))

            let events = try await inbox.leadEvents()
            #expect(events.count == expected.count, "one lead.created per email, none for the duplicate")
            let eventSources = try events.map { event in
                let data = try JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any]
                return data?["source"] as? String
            }
            #expect(eventSources == expected.map(\.source))
            #expect(try await inbox.received().count == expected.count)
        }
    }

    @Test(arguments: TestDatabase.available)
    func theSameEmailTwiceMakesOneLeadAndSaysSo(on database: TestDatabase) async throws {
        try await Inbox.run(database) { inbox, client in
            let first = try await inbox.post(.zillow, on: client).decode(EmailImportOperations.Answer.self)
            #expect(first.outcome == "created")
            // the same Message-ID again, by another format (the service retried, or forwarded it raw)
            let (raw, rawType) = try EmailFixture.sendGridRaw(.zillow)
            for _ in 0..<2 {
                let again = try await inbox.post(raw, contentType: rawType, on: client)
                #expect(again.status == .ok)
                let answer = try again.decode(EmailImportOperations.Answer.self)
                #expect(answer.outcome == "duplicate")
                #expect(answer.leadId == first.leadId)
                #expect(answer.emailId == first.emailId)
            }
            // an email with no Message-ID is known by its bytes
            let noID = Array(
                "From: Kim Lee <kim.lee@example.com>\r\nSubject: Viewing\r\n\r\nCan I see it Friday?\r\n".utf8)
            let kim = try await inbox.post(noID, contentType: "message/rfc822", on: client)
                .decode(EmailImportOperations.Answer.self)
            let kimAgain = try await inbox.post(noID, contentType: "message/rfc822", on: client)
                .decode(EmailImportOperations.Answer.self)
            #expect(kim.outcome == "created")
            #expect(kimAgain.outcome == "duplicate")
            #expect(try await inbox.leads(on: client).count == 2)
            #expect(try await inbox.leadEvents().count == 2)
            #expect(try await inbox.received().count == 2)
        }
    }

    @Test(arguments: TestDatabase.available)
    func theSameEmailPostedAtOnceMakesOneLead(on database: TestDatabase) async throws {
        try await Inbox.run(database) { inbox, client in
            let answers = try await withThrowingTaskGroup(of: EmailImportOperations.Answer.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await inbox.post(.realtor, on: client).decode(EmailImportOperations.Answer.self)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter { $0.outcome == "created" }.count == 1)
            #expect(answers.filter { $0.outcome == "duplicate" }.count == 5)
            #expect(Set(answers.compactMap(\.leadId)).count == 1)
            #expect(try await inbox.leads(on: client).count == 1)
            #expect(try await inbox.leadEvents().count == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func mailThatHoldsNoLeadIsRecordedAsSkippedAndShownInSettings(on database: TestDatabase) async throws {
        try await Inbox.run(database) { inbox, client in
            for fixture in [EmailFixture.autoreply, .newsletter] {
                let response = try await inbox.post(fixture, on: client)
                #expect(response.status == .ok, "an email service retries anything else")
                let answer = try response.decode(EmailImportOperations.Answer.self)
                #expect(answer.outcome == "skipped")
                #expect(answer.leadId == nil)
                #expect(answer.reason?.isEmpty == false)
            }
            let again = try await inbox.post(.newsletter, on: client).decode(EmailImportOperations.Answer.self)
            #expect(again.outcome == "duplicate", "a skipped email is not read again either")
            _ = try await inbox.post(.webform, on: client)
            #expect(try await inbox.leads(on: client).count == 1)
            #expect(try await inbox.leadEvents().count == 1)

            var agent = DashboardClient(client)
            try await agent.signIn(inbox.workspace.owner.email)
            let settings = try await agent.get("/settings/email-import")
            #expect(settings.status == .ok)
            #expect(settings.text.contains(#"data-testid="inbound-address">http://"#))
            #expect(settings.text.contains("/inbound/email/\(inbox.token)</code>"))
            #expect(settings.text.contains("an automatic message (Auto-Submitted: auto-replied)"))
            #expect(settings.text.contains("a newsletter or mailing-list message"))
            #expect(settings.text.contains("Your December market report"))
            #expect(settings.text.contains("New submission from Contact Us"))
            let lead = try #require(try await inbox.leads(on: client).first)
            let leadID = try #require(lead["id"] as? String)
            #expect(settings.text.contains(#"href="/leads/\#(leadID)">Lead made"#))
        }
    }

    @Test(arguments: TestDatabase.available)
    func theOriginalEmailIsKeptWithTheLead(on database: TestDatabase) async throws {
        try await Inbox.run(database) { inbox, client in
            let answer = try await inbox.post(.homes, on: client).decode(EmailImportOperations.Answer.self)
            let leadID = try #require(answer.leadId)
            let (record, message, original) = try #require(
                try await EmailImportOperations(database: inbox.seed.database, clock: inbox.seed.clock)
                    .original(of: Lead.ID(rawValue: leadID), in: inbox.workspaceID))
            #expect(Array(original) == (try EmailFixture.homes.bytes), "the bytes as received")
            #expect(record.format == .rfc822)
            #expect(message?.subject == "New Lead for 410 Bayview Terrace #3")

            var agent = DashboardClient(client)
            try await agent.signIn(inbox.workspace.owner.email)
            let leadPage = try await agent.get("/leads/\(leadID)")
            #expect(leadPage.text.contains(#"href="/leads/\#(leadID)/email""#))
            let emailPage = try await agent.get("/leads/\(leadID)/email")
            #expect(emailPage.status == .ok)
            #expect(emailPage.text.contains("New Lead for 410 Bayview Terrace #3"))
            #expect(emailPage.text.contains("priya.raman@example.org"))
            #expect(emailPage.text.contains("Is the HOA fee included in the price?"))

            // another workspace's owner cannot read it
            let other = try await inbox.seed.workspace()
            var stranger = DashboardClient(client)
            try await stranger.signIn(other.owner.email)
            #expect(try await stranger.get("/leads/\(leadID)/email").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.available)
    func badInputIsAClear4xxAndStoresNothing(on database: TestDatabase) async throws {
        try await Inbox.run(database) { inbox, client in
            let zillow = try EmailFixture.zillow.bytes
            let unknown = try await inbox.post(
                zillow, contentType: "message/rfc822", to: "/inbound/email/\(String(repeating: "0", count: 40))",
                on: client)
            #expect(unknown.status == .notFound)
            #expect(try unknown.error.error.code == "not_found")
            #expect(
                try await inbox.post(zillow, contentType: "message/rfc822", to: "/inbound/email/short", on: client)
                    .status == .notFound)

            let wrongType = try await inbox.post(zillow, contentType: "text/plain", on: client)
            #expect(wrongType.status == .unsupportedMediaType)
            #expect(try wrongType.error.error.message.contains("message/rfc822"))
            #expect(try await inbox.post(zillow, contentType: nil, on: client).status == .unsupportedMediaType)

            let malformed: [([UInt8], String)] = [
                (Array("{\"From\": ".utf8), "application/json"),
                (Array(#"{"Subject": "Hello", "TextBody": "Name: A"}"#.utf8), "application/json"),
                (Array(#"["not", "an", "object"]"#.utf8), "application/json"),
                (Array("Subject: no sender\r\n\r\nName: Ann\r\nEmail: ann@example.com\r\n".utf8), "message/rfc822"),
                (Array("no header at all".utf8), "message/rfc822"),
                (try EmailFixture.sendgrid.bytes, "multipart/form-data"),
                (try EmailFixture.sendgrid.bytes, "multipart/form-data; boundary=notTheBoundary"),
                (
                    Array("--b\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\nx\r\n--b--\r\n".utf8),
                    "multipart/form-data; boundary=b"
                ),
            ]
            for (body, contentType) in malformed {
                let response = try await inbox.post(body, contentType: contentType, on: client)
                #expect(response.status == .badRequest, "\(String(decoding: body.prefix(60), as: UTF8.self))")
                #expect(try response.error.error.code == "malformed_email")
            }

            var huge = Array("From: Big <big@example.com>\r\nSubject: Big\r\n\r\n".utf8)
            huge += [UInt8](repeating: UInt8(ascii: "a"), count: EmailImportOperations.maxEmailBytes)
            let tooLarge = try await inbox.post(huge, contentType: "message/rfc822", on: client)
            #expect(tooLarge.status == .contentTooLarge)

            #expect(try await inbox.received().isEmpty)
            #expect(try await inbox.leads(on: client).isEmpty)
            #expect(try await inbox.leadEvents().isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aNewAddressRetiresTheOldOne(on database: TestDatabase) async throws {
        try await Inbox.run(database) { inbox, client in
            var agent = DashboardClient(client)
            try await agent.signIn(inbox.workspace.owner.email)
            _ = try await agent.get("/settings/email-import")
            let replaced = try await agent.post("/settings/email-import/new-address", [:])
            #expect(replaced.status == .seeOther)
            let page = try await agent.get("/settings/email-import?done=replaced")
            #expect(page.text.contains("A new inbound address was made"))
            #expect(!page.text.contains(inbox.token))
            let operations = EmailImportOperations(database: inbox.seed.database, clock: inbox.seed.clock)
            let token = try await operations.addressToken(of: inbox.workspaceID)
            #expect(token != inbox.token)
            #expect(page.text.contains("/inbound/email/\(token)"))

            #expect(try await inbox.post(.zillow, on: client).status == .notFound, "the old address")
            let (body, contentType) = try EmailFixture.zillow.posted
            #expect(
                try await inbox.post(body, contentType: contentType, to: "/inbound/email/\(token)", on: client).status
                    == .ok)
            // the token is derived, never stored: only its hash is in the database
            let rows = try await inbox.seed.database.sql.raw(
                "SELECT token_hash FROM email_import_addresses WHERE workspace_id = \(bind: inbox.workspaceID.rawValue)"
            ).all()
            let hashes = try rows.map { try $0.decode(column: "token_hash", as: String.self) }
            #expect(hashes.count == 1)
            #expect(hashes.allSatisfy { $0 != token && !$0.contains(token) })
            // a workspace's token never opens another's inbox
            let other = try await inbox.seed.workspace()
            #expect(try await operations.addressToken(of: other.workspace.id) != token)
        }
    }
}
