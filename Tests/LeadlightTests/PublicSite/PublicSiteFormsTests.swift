import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// The public site's forms over HTTP: each creates its documented record and exactly one event of its
/// documented type, bad input comes back beside the fields with the values kept, and nothing else is stored
/// (issue 11). Real database, real server routes; the browser tests walk the same forms in Chromium.
@Suite struct PublicSiteFormsTests {
    @Test(arguments: TestDatabase.available)
    func theContactFormMakesAWebsiteLeadWithTheMessageAndTheConsentGiven(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            var visitor = VisitorClient(client)
            let page = try await site.open(site.path, as: &visitor)
            #expect(page.status == .ok)
            #expect(page.text.contains(#"name="consent" type="checkbox" value="1">"#), "the consent box is unticked")
            let sent = try await visitor.post(
                "\(site.path)/contact",
                [
                    "name": "Ada Visitor", "email": "Ada@Example.com", "phone": "(555) 123-4567", "consent": "1",
                    "message": "Is the harbour house still for sale?",
                ])
            #expect(sent.status == .seeOther)
            #expect(sent.headers[.location] == "\(site.path)/thanks/contact")
            let thanks = try await visitor.get("\(site.path)/thanks/contact")
            #expect(thanks.text.contains("Thank you"))
            #expect(!thanks.text.contains("Ada"), "the thank-you page shows nothing the visitor sent")

            let leads = try await client.get("/api/v1/leads", key: site.key).json["leads"] as? [[String: Any]]
            let lead = try #require(leads?.first)
            #expect(leads?.count == 1)
            #expect(lead["source"] as? String == "website")
            #expect(lead["email"] as? String == "ada@example.com")
            #expect(lead["notes"] as? String == "Is the harbour house still for sale?")
            let events = try await site.events()
            #expect(events.map(\.type) == [.leadCreated])
            let consents = try await ConsentStore(database: site.seed.database.sql)
                .consents(of: try #require(lead["id"] as? String), in: site.workspaceID)
            #expect(consents.count == 1)
            #expect(consents.first?.page == site.path)
            #expect(consents.first?.text.contains("may call or text me") == true)
            #expect(consents.first?.givenAt == site.clock.now)
            var agent = DashboardClient(client)
            try await agent.signIn(site.workspace.owner.email)
            let leadPage = try await agent.get("/leads/\(try #require(lead["id"] as? String))")
            #expect(leadPage.text.contains("Consent to be called or texted"), "the agent sees the consent")
            #expect(leadPage.text.contains("may call or text me"))

            // without the box ticked, no consent is recorded
            _ = try await site.open(site.path, as: &visitor)
            _ = try await visitor.post("\(site.path)/contact", ["name": "Bo", "email": "bo@example.com"])
            let bo = try #require(
                (try await client.get("/api/v1/leads", key: site.key).json["leads"] as? [[String: Any]])?.first {
                    $0["name"] as? String == "Bo"
                })
            #expect(
                try await ConsentStore(database: site.seed.database.sql)
                    .consents(of: try #require(bo["id"] as? String), in: site.workspaceID).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func badInputComesBackBesideItsFieldsWithWhatWasTypedAndStoresNothing(on database: TestDatabase)
        async throws
    {
        try await PublicSiteFixture.run(database) { site, client in
            var visitor = VisitorClient(client)
            _ = try await site.open(site.path, as: &visitor)
            let refused = try await visitor.post(
                "\(site.path)/contact",
                ["name": "", "email": "not an email", "phone": "call me", "message": "<b>kept</b>", "consent": "1"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains(#"id="e-name">is required"#))
            #expect(refused.text.contains(#"id="e-email">must be an email address"#))
            #expect(refused.text.contains(#"id="e-phone">must be a phone number"#))
            #expect(refused.text.contains(#"value="not an email""#), "the values typed are kept")
            #expect(refused.text.contains("&lt;b&gt;kept&lt;/b&gt;</textarea>"))
            #expect(refused.text.contains(#"value="1" checked>"#), "the ticked box stays ticked")
            let neither = try await visitor.post("\(site.path)/contact", ["name": "Quiet", "message": "hello"])
            #expect(neither.status == .unprocessableContent)
            #expect(neither.text.contains("or a phone number"))
            #expect(try await site.events().isEmpty)
            #expect(try await client.get("/api/v1/leads", key: site.key).json["total"] as? Int == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aShowingRequestFindsOrMakesTheClientAndRecordsARequestedShowing(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            let listing = try await client.create(
                "/api/v1/listings", ["address": "12 Harbour Rd", "price": 750_000, "bedrooms": 3, "bathrooms": 2.5],
                idKey: "listingId", key: site.key)
            var visitor = VisitorClient(client)
            let page = try await site.open("\(site.path)/listings/\(listing)", as: &visitor)
            #expect(page.status == .ok)
            #expect(page.text.contains("12 Harbour Rd"))
            #expect(page.text.contains("3 beds"))
            #expect(page.text.contains("2.5 baths"))
            #expect(page.text.contains("Request a showing"))
            // the seed's workspace is on UTC; the clock stands at 2027-01-15
            let sent = try await visitor.post(
                "\(site.path)/listings/\(listing)/showings",
                [
                    "name": "Cleo Buyer", "email": "cleo@example.com", "phone": "555 0101",
                    "preferredTime": "2027-01-20T15:30", "message": "Weekday afternoons suit me",
                ])
            #expect(sent.status == .seeOther)
            #expect(sent.headers[.location] == "\(site.path)/thanks/showing")
            #expect(try await site.events().map(\.type) == [.listingCreated, .clientCreated, .showingRequested])
            let showings = try await client.get("/api/v1/showings", key: site.key).json["showings"] as? [[String: Any]]
            let showing = try #require(showings?.first)
            #expect(showing["status"] as? String == "requested")
            #expect(showing["listingId"] as? String == listing)
            #expect(showing["preferredTime"] as? String == "2027-01-20T15:30:00.000Z")
            #expect(showing["notes"] as? String == "Weekday afternoons suit me")

            // the same email again: the same client, a second showing, no second client
            _ = try await site.open("\(site.path)/listings/\(listing)", as: &visitor)
            let again = try await visitor.post(
                "\(site.path)/listings/\(listing)/showings", ["name": "C. Buyer", "email": "CLEO@example.com"])
            #expect(again.status == .seeOther)
            #expect(
                try await site.events().map(\.type) == [
                    .listingCreated, .clientCreated, .showingRequested, .showingRequested,
                ])
            let clients = try await client.get("/api/v1/clients", key: site.key).json["clients"] as? [[String: Any]]
            #expect(clients?.count == 1)
            #expect(clients?.first?["name"] as? String == "Cleo Buyer", "a visitor never changes a stored client")

            let past = try await visitor.post(
                "\(site.path)/listings/\(listing)/showings",
                ["name": "Dee", "email": "dee@example.com", "preferredTime": "2020-01-01T10:00"])
            #expect(past.status == .unprocessableContent)
            #expect(past.text.contains(#"id="e-preferredTime">must be in the future"#))
            #expect(try await site.events().count == 4)
        }
    }

    @Test(arguments: TestDatabase.available)
    func onlyTheAgentsActiveListingsAreShownAndAnyOtherIsA404(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            let active = try await client.create(
                "/api/v1/listings", ["address": "1 Open St", "price": 400_000, "bedrooms": 2], idKey: "listingId",
                key: site.key)
            let big = try await client.create(
                "/api/v1/listings", ["address": "2 Large Ave", "price": 900_000, "bedrooms": 5], idKey: "listingId",
                key: site.key)
            let sold = try await client.create(
                "/api/v1/listings", ["address": "3 Sold Ln", "price": 500_000, "status": "sold"], idKey: "listingId",
                key: site.key)
            let other = try await site.seed.workspace()
            let theirs = try await client.create(
                "/api/v1/listings", ["address": "4 Elsewhere", "price": 1], idKey: "listingId", key: other.apiKey.value)
            var visitor = VisitorClient(client)
            let all = try await visitor.get("\(site.path)/listings")
            #expect(all.text.contains("1 Open St") && all.text.contains("2 Large Ave"))
            #expect(!all.text.contains("3 Sold Ln") && !all.text.contains("4 Elsewhere"))
            let filtered = try await visitor.get("\(site.path)/listings?minBedrooms=3&maxPrice=1000000")
            #expect(filtered.text.contains("2 Large Ave") && !filtered.text.contains("1 Open St"))
            let cheap = try await visitor.get("\(site.path)/listings?maxPrice=450000")
            #expect(cheap.text.contains("1 Open St") && !cheap.text.contains("2 Large Ave"))
            let bad = try await visitor.get("\(site.path)/listings?minPrice=lots")
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains(#"id="e-minPrice""#))
            #expect(try await visitor.get("\(site.path)/listings/\(active)").status == .ok)
            #expect(try await visitor.get("\(site.path)/listings/\(big)").status == .ok)
            for missing in [sold, theirs, "lst_nothing"] {
                let page = try await visitor.get("\(site.path)/listings/\(missing)")
                #expect(page.status == .notFound, "\(missing)")
                #expect(page.text.contains("Page not found"))
                let posted = try await visitor.post(
                    "\(site.path)/listings/\(missing)/showings", ["name": "X", "email": "x@example.com"])
                #expect(posted.status == .notFound)
            }
            let unknown = try await visitor.get("/a/no-such-agent")
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.contentType] == "text/html; charset=utf-8")
            #expect(try await site.events().filter { $0.type != .listingCreated }.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aSignUpIsConfirmedByTheEmailedLinkAndASecondOneRevealsNothing(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            var visitor = VisitorClient(client)
            _ = try await site.open("\(site.path)/signup", as: &visitor)
            let sent = try await visitor.post(
                "\(site.path)/signup",
                [
                    "name": "Eve Client", "email": "eve@example.com", "phone": "555 0199",
                    "consent": "1",
                ])
            #expect(sent.headers[.location] == "\(site.path)/thanks/signup")
            #expect(try await site.events().isEmpty, "no client before the link is opened")
            let mail = try #require(try site.mails().first)
            #expect(mail.contains("To: eve@example.com"))
            let link = try #require(mail.firstMatch(of: /signup\/confirm\?token=([0-9A-Za-z]+)/))
            let token = String(link.output.1)

            let confirmPage = try await visitor.get("\(site.path)/signup/confirm?token=\(token)")
            #expect(confirmPage.text.contains("Confirm my sign-up"))
            #expect(try await site.events().isEmpty, "opening the link (or a mail scanner) confirms nothing")
            let confirmed = try await visitor.post("\(site.path)/signup/confirm", ["token": token])
            #expect(confirmed.headers[.location] == "\(site.path)/thanks/confirmed")
            #expect(try await site.events().map(\.type) == [.clientCreated])
            let clients = try await client.get("/api/v1/clients", key: site.key).json["clients"] as? [[String: Any]]
            #expect(clients?.first?["email"] as? String == "eve@example.com")
            #expect(clients?.first?["buyingStage"] as? String == "New")
            let clientID = try #require(clients?.first?["id"] as? String)
            #expect(
                try await ConsentStore(database: site.seed.database.sql).consents(of: clientID, in: site.workspaceID)
                    .first?.page == "\(site.path)/signup")
            // the link works once
            _ = try await visitor.post("\(site.path)/signup/confirm", ["token": token])
            #expect(try await site.events().count == 1)

            // a second sign-up with the same email: the same answer, nothing new, a mail that says so
            var second = VisitorClient(client)
            _ = try await site.open("\(site.path)/signup", as: &second)
            let again = try await second.post("\(site.path)/signup", ["name": "Someone", "email": "EVE@example.com"])
            #expect(again.status == sent.status)
            #expect(again.headers[.location] == sent.headers[.location])
            #expect(try await site.events().count == 1)
            #expect(try site.mails().count == 2)
            #expect(try site.mails().last?.contains("already") == true)

            // a link past its 48 hours makes nothing
            _ = try await site.open("\(site.path)/signup", as: &visitor)
            _ = try await visitor.post("\(site.path)/signup", ["name": "Late", "email": "late@example.com"])
            let late = try #require(try site.mails().last?.firstMatch(of: /token=([0-9A-Za-z]+)/))
            site.clock.advance(by: 49 * 3600)
            let expired = try await visitor.post("\(site.path)/signup/confirm", ["token": String(late.output.1)])
            #expect(expired.status == .gone)
            #expect(try await visitor.post("\(site.path)/signup/confirm", ["token": "forged"]).status == .gone)
            #expect(try await site.events().count == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func theGuideIsUploadedInSettingsAndDownloadedForANameAndEmail(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            var visitor = VisitorClient(client)
            #expect(try await visitor.get("\(site.path)/guide").status == .notFound, "no guide yet")
            var agent = DashboardClient(client)
            try await agent.signIn(site.workspace.owner.email)
            _ = try await agent.get("/settings/public-site")
            let pdf = Data("%PDF-1.4\n% The first-time buyer's guide\n%%EOF\n".utf8)
            let untitled = try await agent.postMultipart(
                "/settings/public-site", [:], files: [("guide", "guide.pdf", pdf)])
            #expect(untitled.status == .unprocessableContent)
            #expect(untitled.text.contains(#"id="e-guideTitle""#))
            let notPDF = try await agent.postMultipart(
                "/settings/public-site", ["guideTitle": "Buyer's guide"],
                files: [("guide", "guide.pdf", Data("hello".utf8))])
            #expect(notPDF.text.contains(#"id="e-guide">must be a PDF file"#))
            let bigPhoto = Data([0xFF, 0xD8, 0xFF]) + Data(count: 2 * 1024 * 1024 + 1)
            let tooBig = try await agent.postMultipart(
                "/settings/public-site", ["guideTitle": "Buyer's guide"], files: [("photo", "me.jpg", bigPhoto)])
            #expect(tooBig.text.contains(#"id="e-photo">must be at most 2 MB"#))
            #expect(try await visitor.get("\(site.path)/guide").status == .notFound, "nothing was stored")

            let saved = try await agent.postMultipart(
                "/settings/public-site",
                [
                    "displayName": "Jo Agent", "headline": "Homes by the harbour", "guideTitle": "The buyer's guide",
                    "email": "jo@example.com", "phone": "555 0100",
                ],
                files: [("guide", "../../etc/Buyer's Guide.pdf", pdf), ("photo", "me.png", PNG.onePixel)])
            #expect(saved.status == .seeOther)
            let home = try await visitor.get(site.path)
            #expect(home.text.contains("Jo Agent") && home.text.contains("Homes by the harbour"))
            #expect(home.text.contains("jo@example.com") && home.text.contains("555 0100"))
            let photo = try await visitor.get("\(site.path)/photo")
            #expect(photo.headers[.contentType] == "image/png")
            #expect(Data(buffer: photo.body) == PNG.onePixel)

            _ = try await site.open("\(site.path)/guide", as: &visitor)
            let sent = try await visitor.post(
                "\(site.path)/guide", ["name": "Finn Reader", "email": "finn@example.com"])
            #expect(sent.status == .seeOther)
            let thanks = try await visitor.get(try #require(sent.headers[.location]))
            let link = try #require(thanks.text.firstMatch(of: /href="([^"]*guide\/file\?t=[^"]+)"/))
            let file = try await visitor.get(String(link.output.1))
            #expect(file.status == .ok)
            #expect(file.headers[.contentType] == "application/pdf")
            #expect(file.headers[.contentDisposition] == #"attachment; filename="BuyersGuide.pdf""#)
            #expect(Data(buffer: file.body) == pdf)
            let leads = try await client.get("/api/v1/leads", key: site.key).json["leads"] as? [[String: Any]]
            #expect(leads?.first?["source"] as? String == "guide download")
            #expect(try await site.events().map(\.type) == [.leadCreated])
            #expect(try await visitor.get("\(site.path)/guide/file?t=1.forged").status == .notFound)
            site.clock.advance(by: 2 * 3600)
            #expect(try await visitor.get(String(link.output.1)).status == .notFound, "the link lasts an hour")

            _ = try await agent.get("/settings/public-site")
            _ = try await agent.post("/settings/public-site/guide/remove", [:])
            #expect(try await visitor.get("\(site.path)/guide").status == .notFound)
        }
    }
}

/// A valid 1×1 PNG.
enum PNG {
    static let onePixel = Data(
        base64Encoded:
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!
}
