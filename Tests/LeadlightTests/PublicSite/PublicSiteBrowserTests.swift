import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// The public site in a real Chromium against a real server on 127.0.0.1 (issue 11): each form filled in as a
/// visitor does makes its documented record and exactly one event of its documented type, delivered to a
/// subscribed webhook; the pages work by keyboard, fit a 390-pixel phone and pass axe. One browser at a time.
@Suite(.enabled(if: Browser.available), .serialized, .takingTurns)
struct PublicSiteBrowserTests {
    /// A live site with two listings (the first with a photo once set up), a guide, a webhook endpoint for every event and the folder emails go to.
    struct LiveSite: Sendable {
        let live: LiveDashboard
        let receiver: WebhookReceiver
        let mailFolder: URL
        let listingID: String

        var path: String { "/a/\(self.live.workspace.workspace.agentID.rawValue)" }
        var browser: Browser { self.live.browser }

        static func run(_ body: @Sendable (LiveSite) async throws -> Void) async throws {
            let receiver = WebhookReceiver()
            try await receiver.start()
            let mail = FileManager.default.temporaryDirectory.appendingPathComponent("leadlight-mail-\(UUID())")
            defer { try? FileManager.default.removeItem(at: mail) }
            do {
                try await LiveDashboard.run(configure: {
                    fastWebhooks(&$0)
                    $0.publicSite.mail.folder = mail.path
                    $0.publicSite.minimumFillTime = 0  // a test fills a form faster than a person
                }) { live in
                    let listing = try await live.client.create(
                        "/api/v1/listings",
                        ["address": "12 Harbour Rd, Portsmouth", "price": 750_000, "bedrooms": 3, "bathrooms": 2],
                        idKey: "listingId", key: live.key)
                    _ = try await live.client.create(
                        "/api/v1/listings", ["address": "4 Mill Lane", "price": 420_000, "bedrooms": 2],
                        idKey: "listingId", key: live.key)
                    _ = try await WebhookEndpoints(
                        database: live.seed.database, clock: .system, policy: WebhookTargetPolicy(allowPrivate: true)
                    ).register(
                        try JSONDecoder().decode(
                            WebhookEndpointChanges.self,
                            from: Data(#"{"url":"\#(receiver.url)","events":["*"]}"#.utf8)),
                        in: live.workspace.workspace.id)
                    try await body(LiveSite(live: live, receiver: receiver, mailFolder: mail, listingID: listing))
                }
            } catch {
                await receiver.stop()
                throw error
            }
            await receiver.stop()
        }

        /// The events delivered so far, one per event id, as (type, data).
        func delivered(_ count: Int) async throws -> [(type: String, data: [String: Any])] {
            try await self.receiver.waitForDistinctEvents(count).map { arrival in
                let body = try JSONSerialization.jsonObject(with: Data(arrival.body.utf8)) as? [String: Any] ?? [:]
                return (body["event"] as? String ?? "", body["data"] as? [String: Any] ?? [:])
            }
        }

        /// Sets up the agent's page in Settings → Public site, in the browser, with a guide PDF uploaded, and
        /// the first listing's photo on its dashboard page.
        func setUpInSettings() async throws {
            let pdf = FileManager.default.temporaryDirectory.appendingPathComponent("guide-\(UUID()).pdf")
            try Data("%PDF-1.4\n% The first-time buyer's guide\n%%EOF\n".utf8).write(to: pdf)
            defer { try? FileManager.default.removeItem(at: pdf) }
            try await self.live.signIn()
            try await self.live.open("/settings/public-site")
            try await self.browser.fill("Name shown", with: "Jo Harbour")
            try await self.browser.fill("Headline", with: "Homes by the harbour")
            try await self.browser.fill("Email shown", with: "jo@example.com")
            try await self.browser.fill("Phone shown", with: "555 0100")
            try await self.browser.fill("Guide title", with: "The buyer's guide")
            try await self.browser.type(pdf.path, into: try await self.browser.field("New guide"), clearing: false)
            try await self.browser.click("Save")
            #expect(try await self.browser.text.contains("Guide: "), "the guide was uploaded")
            // and a photo for the first listing, on its dashboard page
            try await self.live.open("/listings/\(self.listingID)")
            let photo = Bundle.module.resourceURL!.appendingPathComponent("Photos/house.png")
            try await self.browser.type(photo.path, into: try await self.browser.field("New photo"), clearing: false)
            try await self.browser.click("Upload the photo")
            #expect(try await self.browser.text.contains("Photo saved"))
        }
    }

    @Test func eachFormMakesItsRecordAndExactlyOneEventDeliveredToAWebhook() async throws {
        try await LiveSite.run { site in
            let browser = site.browser
            try await site.setUpInSettings()
            let key = site.live.key

            // the contact form: a website lead, the message its notes
            try await site.live.open(site.path)
            #expect(try await browser.text.contains("Jo Harbour"))
            try await browser.fill("Name", with: "Ada Visitor")
            try await browser.fill("Email", with: "ada@example.com")
            try await browser.fill("Phone", with: "(555) 123-4567")
            try await browser.click(try await browser.find("#f-consent"))
            try await browser.fill("Message", with: "Is the harbour house still for sale?")
            try await browser.click("Send message")
            #expect(try await browser.url == site.live.baseURL + site.path + "/thanks/contact")
            var events = try await site.delivered(1)
            #expect(events.map(\.type) == ["lead.created"])
            #expect(events.first?.data["source"] as? String == "website")
            #expect(events.first?.data["notes"] as? String == "Is the harbour house still for sale?")

            // a showing request on a listing's page: a client, then a requested showing
            try await site.live.open(site.path + "/listings")
            try await browser.click("12 Harbour Rd, Portsmouth")
            #expect(try await browser.url.hasSuffix("/listings/\(site.listingID)"))
            try await browser.fill("Name", with: "Bo Buyer")
            try await browser.fill("Email", with: "bo@example.com")
            try await browser.fill("Message", with: "A Saturday morning would suit")
            try await browser.click("Request a showing")
            #expect(try await browser.text.contains("Thank you"))
            events = try await site.delivered(3)
            // deliveries run at once, so the two events of one transaction may arrive in either order
            #expect(events.map(\.type).sorted() == ["client.created", "lead.created", "showing.requested"])
            let showing = try #require(events.first { $0.type == "showing.requested" })
            let client = try #require(events.first { $0.type == "client.created" })
            #expect(showing.data["status"] as? String == "requested")
            #expect(showing.data["listingId"] as? String == site.listingID)
            #expect(showing.data["clientId"] as? String == client.data["id"] as? String)

            // the sign-up: nothing until the emailed link's button is pressed
            try await site.live.open(site.path + "/signup")
            try await browser.fill("Name", with: "Cy Client")
            try await browser.fill("Email", with: "cy@example.com")
            try await browser.click("Sign up", within: "main form")
            #expect(try await browser.text.contains("Check your email"))
            let mails = try FileManager.default.contentsOfDirectory(atPath: site.mailFolder.path)
            #expect(mails.count == 1)
            let mail = try String(
                contentsOf: site.mailFolder.appendingPathComponent(try #require(mails.first)), encoding: .utf8)
            let link = try #require(mail.firstMatch(of: /(http:\/\/\S+\/signup\/confirm\?token=[0-9A-Za-z]+)/))
            try await browser.open(String(link.output.1))
            #expect(site.receiver.arrivals.count == 3, "opening the link confirms nothing")
            try await browser.click("Confirm my sign-up")
            #expect(try await browser.text.contains("You are signed up"))
            events = try await site.delivered(4)
            #expect(events.last?.type == "client.created")
            #expect(events.last?.data["email"] as? String == "cy@example.com")

            // the guide: a lead with source "guide download", then the file
            try await site.live.open(site.path)
            try await browser.click("Download the guide")
            try await browser.fill("Name", with: "Finn Reader")
            try await browser.fill("Email", with: "finn@example.com")
            try await browser.click("Get the guide")
            let href = try #require(
                try await browser.run("return document.querySelector('a[href*=\"guide/file\"]').href") as? String)
            let file = try await site.live.client.execute(
                uri: String(href.dropFirst(site.live.baseURL.count)), method: .get)
            #expect(file.headers[.contentType] == "application/pdf")
            #expect(String(buffer: file.body).hasPrefix("%PDF-1.4"))
            events = try await site.delivered(5)
            #expect(events.last?.type == "lead.created")
            #expect(events.last?.data["source"] as? String == "guide download")

            // exactly those five: nothing else arrives, and the API shows the same records
            try await Task.sleep(for: .seconds(1))
            #expect(try await site.delivered(5).count == 5)
            let leads = try await site.live.client.get("/api/v1/leads", key: key).json["leads"] as? [[String: Any]]
            #expect(Set(leads?.compactMap { $0["source"] as? String } ?? []) == ["website", "guide download"])
            let clients =
                try await site.live.client.get("/api/v1/clients", key: key).json["clients"] as? [[String: Any]]
            #expect(Set(clients?.compactMap { $0["email"] as? String } ?? []) == ["bo@example.com", "cy@example.com"])
        }
    }

    @Test func theContactFormByKeyboardAloneWithTheHoneypotOutOfReach() async throws {
        try await LiveSite.run { site in
            let browser = site.browser
            try await site.live.open(site.path)
            // Tab goes through the form's fields in order and never lands on the honeypot
            try await browser.run("document.getElementById('f-name').focus();")
            var visited: [String] = []
            for _ in 0..<6 {
                let name = try await browser.run(
                    "return document.activeElement.name || document.activeElement.textContent.trim();")
                visited.append(name as? String ?? "")
                try await browser.press(Browser.tab)
            }
            #expect(visited == ["name", "email", "phone", "consent", "message", "Send message"])
            #expect(!visited.contains(PublicSitePages.honeypotField))
            #expect(
                try await browser.run(
                    "const r = document.getElementById('f-\(PublicSitePages.honeypotField)').getBoundingClientRect();"
                        + "return r.right <= 0 || r.width * r.height <= 1;") as? Bool == true,
                "people cannot see it")

            // typed and sent by keyboard: Tab between fields, Space ticks the consent, Enter on the button
            try await browser.run("document.getElementById('f-name').focus();")
            try await browser.press("Kay Board")
            try await browser.press(Browser.tab + "kay@example.com" + Browser.tab + "555 010 2222" + Browser.tab + " ")
            try await browser.press(Browser.tab + "Two bedrooms, please" + Browser.tab)
            try await browser.run("window.__leadlightOldPage = true;")
            try await browser.press(Browser.enter)
            try await browser.waitForPage()
            #expect(try await browser.url.hasSuffix("/thanks/contact"))
            let events = try await site.delivered(1)
            #expect(events.map(\.type) == ["lead.created"])
            #expect(events.first?.data["name"] as? String == "Kay Board")

            // a bot fills every field, the hidden one too: the same thank-you page, nothing stored or sent
            try await site.live.open(site.path)
            try await browser.run(
                """
                for (const input of document.querySelectorAll('form[action$="/contact"] input:not([type=hidden]), form[action$="/contact"] textarea')) {
                  if (input.type === 'checkbox') { input.checked = true } else { input.value = 'bot@example.com' }
                }
                """)
            try await browser.click("Send message")
            #expect(try await browser.url.hasSuffix("/thanks/contact"))
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await site.delivered(1).count == 1, "no event for the bot")
            let leads =
                try await site.live.client.get("/api/v1/leads", key: site.live.key).json["leads"] as? [[String: Any]]
            #expect(leads?.count == 1)
        }
    }

    static let phoneScreenshots: Set = ["site-agent", "site-listings", "site-listing", "site-thanks"]
    static let wideScreenshots: Set = ["settings-public-site", "settings-email-import", "lead-email", "listing-photo"]

    @Test func everyPublicPageAndItsSettingsFitA390PixelPhoneAndPassAxe() async throws {
        try await LiveSite.run { site in
            let browser = site.browser
            try await site.setUpInSettings()
            // an email-imported lead, for its original-email page
            let token = try await EmailImportOperations(database: site.live.seed.database, clock: .system)
                .addressToken(of: site.live.workspace.workspace.id)
            let answer = try await site.live.client.execute(
                uri: "/inbound/email/\(token)", method: .post, headers: [.contentType: "message/rfc822"],
                body: .init(bytes: try EmailFixture.zillow.bytes)
            ).decode(EmailImportOperations.Answer.self)
            _ = try await site.live.client.execute(
                uri: "/inbound/email/\(token)", method: .post, headers: [.contentType: "message/rfc822"],
                body: .init(bytes: try EmailFixture.autoreply.bytes))
            let leadID = try #require(answer.leadId)
            for width in [1280, 390] {
                try await browser.emulateViewport(width: width, height: 844)
                let pages = [
                    (site.path, "site-agent"), (site.path + "/listings", "site-listings"),
                    (site.path + "/listings?minPrice=500000&bedrooms=3", "site-listings-filtered"),
                    (site.path + "/listings/\(site.listingID)", "site-listing"), (site.path + "/signup", "site-signup"),
                    (site.path + "/guide", "site-guide"), (site.path + "/thanks/contact", "site-thanks"),
                    ("/a/nobody-here", "site-not-found"),
                    ("/settings/public-site", "settings-public-site"),
                    ("/settings/email-import", "settings-email-import"),
                    ("/leads/\(leadID)/email", "lead-email"),
                    ("/listings/\(site.listingID)", "listing-photo"),
                ]
                for (path, name) in pages {
                    try await site.live.open(path)
                    #expect(try await !browser.scrollsSideways, "\(path) at \(width)")
                    #expect(try await browser.accessibilityViolations() == [], "\(path) at \(width)")
                    // docs/PUBLIC-SITE.md and docs/EMAIL-IMPORT.md show these: the site on a phone, settings wide
                    if width == 390, Self.phoneScreenshots.contains(name) {
                        try await browser.screenshot(named: "\(name)-phone")
                    } else if width == 1280, Self.wideScreenshots.contains(name) {
                        try await browser.screenshot(named: name)
                    }
                }
                // a form sent back with errors beside its fields (the browser's own checks set aside)
                try await site.live.open(site.path)
                try await browser.run(
                    "const f = document.querySelector('form[action$=\"/contact\"]'); f.noValidate = true;"
                        + "f.querySelector('[name=email]').value = 'not an email';")
                try await browser.click("Send message")
                #expect(try await browser.text.contains("is required"))
                #expect(try await !browser.scrollsSideways, "errors at \(width)")
                #expect(try await browser.accessibilityViolations() == [], "errors at \(width)")
                if width == 390 { try await browser.screenshot(named: "site-errors-phone") }
            }
        }
    }
}
