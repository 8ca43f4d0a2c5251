import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// Spam and abuse on the public site, one case a test, each leaving nothing stored (issue 11): the honeypot,
/// the time trap (too fast, forged, old), another site's form, the submission limits, the body limit.
@Suite struct PublicSiteAbuseTests {
    static let person = ["name": "Pat Person", "email": "pat@example.com", "message": "Hello"]

    /// Nothing stored: no lead, client, showing, sign-up or event.
    static func expectNothingStored(_ site: PublicSiteFixture, _ client: any TestClientProtocol) async throws {
        #expect(try await site.events().filter { $0.type != .listingCreated }.isEmpty)
        #expect(try await client.get("/api/v1/leads", key: site.key).json["total"] as? Int == 0)
        #expect(try await client.get("/api/v1/clients", key: site.key).json["total"] as? Int == 0)
        #expect(try site.mails().isEmpty)
    }

    @Test(arguments: TestDatabase.available)
    func aFilledHoneypotGetsTheThankYouPageAndStoresNothing(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            let listing = try await client.create(
                "/api/v1/listings", ["address": "9 Trap St", "price": 1], idKey: "listingId", key: site.key)
            var bot = VisitorClient(client)
            for (page, action, thanks) in [
                (site.path, "\(site.path)/contact", "\(site.path)/thanks/contact"),
                (
                    "\(site.path)/listings/\(listing)", "\(site.path)/listings/\(listing)/showings",
                    "\(site.path)/thanks/showing"
                ),
                ("\(site.path)/signup", "\(site.path)/signup", "\(site.path)/thanks/signup"),
            ] {
                _ = try await site.open(page, as: &bot)
                var form = Self.person
                form["website"] = "http://spam.example"
                let answer = try await bot.post(action, form)
                #expect(answer.status == .seeOther, "\(action)")
                #expect(answer.headers[.location] == thanks, "a bot is shown the thank-you page a person is")
            }
            try await Self.expectNothingStored(site, client)
            #expect(try await site.botsCaught() == 3)
        }
    }

    @Test(arguments: TestDatabase.available)
    func theHoneypotCannotBeSeenNorReachedByKeyboard(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            var visitor = VisitorClient(client)
            let page = try await visitor.get(site.path)
            let trap = try #require(page.text.firstMatch(of: /<div class="hp" aria-hidden="true">[\s\S]*?<\/div>/))
            #expect(String(trap.output).contains(#"tabindex="-1""#))
            #expect(String(trap.output).contains(#"autocomplete="off""#))
            let css = try await visitor.get("/static/site.css").text
            #expect(css.contains(".hp { position: absolute; left: -10000px;"))
        }
    }

    @Test(arguments: TestDatabase.available)
    func aFormSentFasterThanAPersonCouldFillItStoresNothing(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            var bot = VisitorClient(client)
            _ = try await bot.get(site.path)
            site.clock.advance(by: 0.5)
            let answer = try await bot.post("\(site.path)/contact", Self.person)
            #expect(answer.headers[.location] == "\(site.path)/thanks/contact")
            try await Self.expectNothingStored(site, client)
            #expect(try await site.botsCaught() == 1)
            // the same token a person's pace later is fine
            site.clock.advance(by: 3)
            _ = try await bot.post("\(site.path)/contact", Self.person)
            #expect(try await site.events().map(\.type) == [.leadCreated])
        }
    }

    @Test(arguments: TestDatabase.available)
    func aForgedOrMissingTokenStoresNothing(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            var bot = VisitorClient(client)
            let token = try #require(VisitorClient.field("_token", in: try await site.open(site.path, as: &bot).text))
            let parts = token.split(separator: ".").map(String.init)
            let forgeries = [
                "",  // none
                "garbage",
                "\(parts[0]).\(parts[1]).\(String(repeating: "0", count: 64))",  // not our signature
                "\(Int64(parts[0])! - 60_000).\(parts[1]).\(parts[2])",  // an earlier time, same signature
                "99999999999999999999.\(parts[1]).\(parts[2])",  // a time that overflows
            ]
            for forged in forgeries {
                var form = Self.person
                form["_token"] = forged
                let answer = try await bot.post("\(site.path)/contact", form)
                #expect(answer.headers[.location] == "\(site.path)/thanks/contact", "\(forged)")
            }
            try await Self.expectNothingStored(site, client)
            #expect(try await site.botsCaught() == forgeries.count)
            // another agent's form token does not work here either
            let other = try await site.seed.workspace()
            var elsewhere = VisitorClient(client)
            _ = try await site.open("/a/\(other.workspace.agentID.rawValue)", as: &elsewhere)
            let crossed = try await elsewhere.post("\(site.path)/contact", Self.person)
            #expect(crossed.headers[.location] == "\(site.path)/thanks/contact")
            try await Self.expectNothingStored(site, client)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anOldTokenBringsTheFormBackWithWhatWasTypedAndStoresNothing(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            var visitor = VisitorClient(client)
            _ = try await visitor.get(site.path)
            site.clock.advance(by: 13 * 3600)  // a tab left open overnight
            let answer = try await visitor.post("\(site.path)/contact", Self.person)
            #expect(answer.status == .unprocessableContent)
            #expect(answer.text.contains("open a long time"))
            #expect(answer.text.contains(#"value="Pat Person""#))
            try await Self.expectNothingStored(site, client)
            #expect(try await site.botsCaught() == 0, "a person is not counted as a bot")
            // the page came back with a fresh token: sending it again works
            if let token = VisitorClient.field("_token", in: answer.text) { visitor.formToken = token }
            site.clock.advance(by: 5)
            #expect(try await visitor.post("\(site.path)/contact", Self.person).status == .seeOther)
            #expect(try await site.events().map(\.type) == [.leadCreated])
        }
    }

    @Test(arguments: TestDatabase.available)
    func aFormPostedFromAnotherSiteIsRefused(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            var visitor = VisitorClient(client)
            _ = try await site.open(site.path, as: &visitor)
            // another site's page: the browser names it in Origin
            let foreign = try await visitor.post(
                "\(site.path)/contact", Self.person, headers: [.origin: "https://evil.example"])
            #expect(foreign.status == .forbidden)
            // a token lifted from our page and posted from elsewhere comes without our SameSite cookie
            var lifted = visitor
            lifted.cookies = [:]
            let noCookie = try await lifted.post("\(site.path)/contact", Self.person)
            #expect(noCookie.status == .forbidden)
            #expect(noCookie.text.contains("not sent from this site"))
            var otherCookie = visitor
            otherCookie.cookies[FormToken.cookieName] = "AAAAAAAAAAAAAAAAAAAAAA"
            #expect(try await otherCookie.post("\(site.path)/contact", Self.person).status == .forbidden)
            try await Self.expectNothingStored(site, client)
            // two tabs share one cookie, so both forms work
            var tabs = VisitorClient(client)
            let first = try #require(VisitorClient.field("_token", in: try await tabs.get(site.path).text))
            _ = try await tabs.get("\(site.path)/signup")
            site.clock.advance(by: 5)
            var form = Self.person
            form["_token"] = first
            #expect(try await tabs.post("\(site.path)/contact", form).status == .seeOther)
        }
    }

    @Test(arguments: TestDatabase.available)
    func submissionsPastTheAddressLimitAnswerA429PageOnEverySite(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database, configure: { $0.publicSite.submissionsPerAddress = 3 }) {
            site, client in
            let other = try await site.seed.workspace()
            let otherPath = "/a/\(other.workspace.agentID.rawValue)"
            var visitor = VisitorClient(client)
            _ = try await site.open(site.path, as: &visitor)
            for _ in 0..<3 {
                #expect(try await visitor.post("\(site.path)/contact", Self.person).status == .seeOther)
            }
            let limited = try await visitor.post("\(site.path)/contact", Self.person)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter].flatMap(Int.init) ?? 0 > 0)
            #expect(limited.text.contains("Too many messages"))
            // the same address on another agent's site is past the limit too
            _ = try await site.open(otherPath, as: &visitor)
            #expect(try await visitor.post("\(otherPath)/contact", Self.person).status == .tooManyRequests)
            #expect(try await site.events().count == 3)
            // a minute later the visitor may send again
            site.clock.advance(by: 61)
            #expect(try await visitor.post("\(otherPath)/contact", Self.person).status == .seeOther)
        }
    }

    @Test(arguments: TestDatabase.available)
    func submissionsPastTheAgentLimitAnswerA429PageOnThatSiteOnly(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database, configure: { $0.publicSite.submissionsPerAgent = 2 }) {
            site, client in
            let other = try await site.seed.workspace()
            let otherPath = "/a/\(other.workspace.agentID.rawValue)"
            var visitor = VisitorClient(client)
            _ = try await site.open(site.path, as: &visitor)
            for _ in 0..<2 {
                #expect(try await visitor.post("\(site.path)/contact", Self.person).status == .seeOther)
            }
            #expect(try await visitor.post("\(site.path)/contact", Self.person).status == .tooManyRequests)
            _ = try await site.open(otherPath, as: &visitor)
            #expect(try await visitor.post("\(otherPath)/contact", Self.person).status == .seeOther)
            #expect(try await site.events().count == 2)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aBodyPastTheFormLimitIsRefusedWithA413Page(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            var visitor = VisitorClient(client)
            _ = try await site.open(site.path, as: &visitor)
            var form = Self.person
            form["message"] = String(repeating: "x", count: 40 * 1024)
            let answer = try await visitor.post("\(site.path)/contact", form)
            #expect(answer.status == .contentTooLarge)
            #expect(answer.text.contains("Too much to send"))
            try await Self.expectNothingStored(site, client)
        }
    }

    @Test(arguments: TestDatabase.available)
    func theDashboardShowsHowManyBotsWereCaught(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            var bot = VisitorClient(client)
            _ = try await bot.get(site.path)
            _ = try await bot.post("\(site.path)/contact", Self.person)  // too fast
            _ = try await bot.post("\(site.path)/contact", Self.person)
            var agent = DashboardClient(client)
            try await agent.signIn(site.workspace.owner.email)
            let page = try await agent.get("/settings/public-site")
            #expect(page.text.contains("Bot submissions caught: <strong>2</strong>"))
            let overview = try await agent.get("/")
            #expect(overview.text.contains(#"data-testid="bots-caught">2"#))
        }
    }
}
