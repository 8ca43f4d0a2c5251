import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// The dashboard in a real Chromium against a real server on 127.0.0.1: flows, not pixels (issue 10).
/// One browser at a time: the machine has two cores.
@Suite(.enabled(if: Browser.available), .serialized, .takingTurns)
struct DashboardBrowserTests {
    @Test func signInAndSignOut() async throws {
        try await LiveDashboard.run { live in
            let browser = live.browser
            try await live.open("/")
            #expect(try await browser.url.hasSuffix("/login"))
            try await browser.screenshot(named: "sign-in")
            try await browser.fill("Email", with: live.workspace.owner.email)
            try await browser.fill("Password", with: "wrong password")
            try await browser.click("Sign in")
            #expect(try await browser.text.contains("The email or password is not right."))
            try await live.signIn()
            #expect(try await browser.url == live.baseURL + "/")
            #expect(try await browser.text.contains(live.workspace.workspace.name))
            for section in ["Overview", "Leads", "Clients", "Listings", "Showings", "Offerings", "Settings"] {
                #expect(try await browser.findAll("nav a").asyncContains(section, in: browser), "\(section)")
            }
            try await browser.click("Sign out")
            #expect(try await browser.url.hasSuffix("/login"))
            try await live.open("/")
            #expect(try await browser.url.hasSuffix("/login"))
        }
    }

    @Test func signInWithTheKeyboardAlone() async throws {
        try await LiveDashboard.run { live in
            let browser = live.browser
            try await live.open("/login")
            // the email field has the focus on arrival; Tab moves to the password, Enter sends the form
            try await browser.press(live.workspace.owner.email)
            try await browser.press(Browser.tab)
            try await browser.press("correct horse battery")
            try await browser.run("window.__leadlightOldPage = true;")
            try await browser.press(Browser.enter)
            try await browser.waitForPage()
            #expect(try await browser.url == live.baseURL + "/")
            #expect(try await browser.text.contains("Overview"))
        }
    }

    @Test func textLikeMarkupIsShownAsTextOnEveryPageAndRunsNoScript() async throws {
        try await LiveDashboard.run { live in
            let name = "<img src=x onerror=alert(1)>"
            let lead = try await live.client.create("/api/v1/leads", ["name": name], idKey: "leadId", key: live.key)
            let client = try await live.client.create(
                "/api/v1/clients", ["name": name, "email": "x@example.com"], idKey: "clientId", key: live.key)
            let listing = try await live.client.create(
                "/api/v1/listings", ["address": name, "price": 1], idKey: "listingId", key: live.key)
            _ = try await live.client.create(
                "/api/v1/showings", ["clientId": client, "listingId": listing, "notes": name], idKey: "showingId",
                key: live.key)
            _ = try await live.client.create(
                "/api/v1/products", ["name": name, "sku": "X-1", "description": name], idKey: "id", key: live.key)
            _ = try await live.client.send(.patch, "/api/v1/workspace", json: ["name": name], key: live.key)
            _ = try await live.client.send(.post, "/api/v1/api-keys", json: ["name": name], key: live.key)
            try await live.signIn()
            for path in [
                "/", "/leads", "/leads/\(lead)", "/clients", "/clients/\(client)", "/listings", "/listings/\(listing)",
                "/showings", "/offerings", "/settings", "/settings/api",
            ] {
                try await live.open(path)
                #expect(try await live.browser.alertText() == nil, "\(path)")
                #expect(try await live.browser.findAll("img[src=x]").isEmpty, "\(path)")
                #expect(try await live.browser.text.contains(name), "\(path)")
            }
        }
    }

    @Test func everyPageFitsA390PixelPhoneAndHasNoSeriousAccessibilityViolation() async throws {
        try await LiveDashboard.run { live in
            let browser = live.browser
            let lead = try await live.client.create(
                "/api/v1/leads", ["name": "Ada Phone", "email": "ada@example.com"], idKey: "leadId", key: live.key)
            let client = try await live.client.create(
                "/api/v1/clients", ["name": "Bo Buyer", "email": "bo@example.com"], idKey: "clientId", key: live.key)
            for width in [1280, 390] {
                try await browser.emulateViewport(width: width, height: 844)
                try await live.open("/login")
                #expect(try await !browser.scrollsSideways, "login at \(width)")
                #expect(try await browser.accessibilityViolations() == [], "login at \(width)")
            }
            let listing = try await live.client.create(
                "/api/v1/listings", ["address": "12 Harbour Rd", "price": 750000, "bedrooms": 3], idKey: "listingId",
                key: live.key)
            _ = try await live.client.create(
                "/api/v1/showings", ["clientId": client, "listingId": listing, "notes": "Keys at the desk"],
                idKey: "showingId", key: live.key)
            let offering = try await live.client.create(
                "/api/v1/products", ["name": "Staging kit", "sku": "KIT-1", "price": "19.99"], idKey: "id",
                key: live.key)
            let keys = try await live.client.get("/api/v1/api-keys", key: live.key).json
            let key = try #require((keys["apiKeys"] as? [[String: Any]])?.first?["id"] as? String)
            let endpoint = try await WebhookEndpoints(
                database: live.seed.database, clock: .system, policy: WebhookTargetPolicy(allowPrivate: true)
            ).register(
                try JSONDecoder().decode(
                    WebhookEndpointChanges.self, from: Data(#"{"url":"http://127.0.0.1:9/hook","events":["*"]}"#.utf8)),
                in: live.workspace.workspace.id)
            try await live.signIn()
            for width in [1280, 390] {
                try await browser.emulateViewport(width: width, height: 844)
                let pages = [
                    ("/", "overview"), ("/leads", "leads"), ("/leads/new", "lead-new"), ("/leads/\(lead)", "lead"),
                    ("/clients", "clients"), ("/clients/\(client)", "client"), ("/listings", "listings"),
                    ("/listings/new", "listing-new"), ("/listings/\(listing)", "listing"), ("/showings", "showings"),
                    ("/offerings", "offerings"), ("/offerings/new", "offering-new"),
                    ("/offerings/\(offering)", "offering"),
                    ("/settings", "settings"), ("/settings/api", "settings-api"),
                    ("/settings/api/keys/\(key)/revoke", "settings-api-revoke"),
                    ("/settings/api/webhooks/\(endpoint.id.rawValue)", "settings-webhook"),
                ]
                for (path, name) in pages {
                    try await live.open(path)
                    #expect(try await !browser.scrollsSideways, "\(path) at \(width)")
                    #expect(try await browser.accessibilityViolations() == [], "\(path) at \(width)")
                    if width == 1280 { try await browser.screenshot(named: name) }
                }
            }
        }
    }

    @Test func convertALeadAndMoveTheClientThroughThePipelineWithoutScript() async throws {
        try await LiveDashboard.run { live in
            let browser = live.browser
            try await live.signIn()
            try await live.open("/leads")
            try await browser.click("New lead")
            try await browser.fill("Name", with: "Cleo Buyer")
            try await browser.fill("Email", with: "cleo@example.com")
            try await browser.click("Add lead")
            #expect(try await browser.text.contains("Cleo Buyer"))
            try await browser.click("Convert to client")
            #expect(try await browser.url.contains("/clients/cli_"))
            let clientID = String(try await browser.url.split(separator: "/").last ?? "")
            try await live.open("/clients")
            #expect(try await browser.textOf(try await browser.find("[data-testid=count-new]")) == "1")
            for stage in ["Searching", "Touring", "Offer", "Under Contract"] {
                try await browser.choose(stage, in: try await browser.find("#stage-of-\(clientID)"))
                try await browser.click("Move", within: "#client-\(clientID)")
                let slug = stage.lowercased().replacingOccurrences(of: " ", with: "-")
                #expect(try await browser.textOf(try await browser.find("[data-testid=count-\(slug)]")) == "1")
            }
            let stored = try await live.client.get("/api/v1/clients/\(clientID)", key: live.key).json
            #expect(stored["buyingStage"] as? String == "Under Contract")
            let events = try await Outbox(database: live.seed.database.sql).events(in: live.workspace.workspace.id)
            #expect(events.filter { $0.type == .clientStageChanged }.count == 4)
        }
    }

    @Test func aFormPostedWithoutItsTokenChangesNothing() async throws {
        try await LiveDashboard.run { live in
            let browser = live.browser
            let lead = try await live.client.create("/api/v1/leads", ["name": "Kept"], idKey: "leadId", key: live.key)
            try await live.signIn()
            try await live.open("/leads/\(lead)")
            // a forged form, as another site's page would send it: no token
            try await browser.run("document.querySelectorAll('input[name=_csrf]').forEach(e => e.remove());")
            try await browser.fill("Name", with: "Changed")
            try await browser.click("Save")
            #expect(try await browser.text.contains("This form has expired"))
            let stored = try await live.client.get("/api/v1/leads/\(lead)", key: live.key).json
            #expect(stored["name"] as? String == "Kept")
        }
    }

    @Test func addAnOfferingAndReadItBackThroughTheAPI() async throws {
        try await LiveDashboard.run { live in
            let browser = live.browser
            try await live.signIn()
            try await live.open("/offerings")
            try await browser.click("Add offering")
            // the script shows only the chosen type's fields, and sends only those
            #expect(
                try await browser.run("return document.querySelector('[name=billingPeriod]').disabled") as? Bool == true
            )
            try await browser.choose("Subscription", in: try await browser.field("Type"))
            #expect(try await browser.run("return document.querySelector('[name=sku]').disabled") as? Bool == true)
            #expect(
                try await browser.run("return document.querySelector('[name=billingPeriod]').disabled") as? Bool
                    == false)
            try await browser.choose("Product", in: try await browser.field("Type"))
            try await browser.fill("Name", with: "Staging kit")
            try await browser.fill("SKU (products)", with: "KIT-1")
            try await browser.fill("Price", with: "19.99999")
            try await browser.fill("Stock quantity (products)", with: "12")
            try await browser.click("Add offering")
            #expect(try await browser.text.contains("must have at most 4 decimal places"))
            #expect(
                try await browser.property("value", of: try await browser.field("Name")) as? String == "Staging kit")
            try await browser.fill("Price", with: "19.99")
            try await browser.click("Add offering")
            #expect(try await browser.text.contains("Saved."))
            let found = try await live.client.get("/api/v1/products?sku=KIT-1", key: live.key)
            #expect(found.text.contains(#""price":19.99"#))
            #expect(found.text.contains(#""stockQty":12"#))
            try await live.open("/offerings")
            #expect(try await browser.text.contains("USD 19.99"))
        }
    }

    @Test func createAnAPIKeyUseItAndRevokeIt() async throws {
        try await LiveDashboard.run { live in
            let browser = live.browser
            try await live.signIn()
            try await live.open("/")
            try await browser.click("Settings")
            try await browser.click("API")
            try await browser.fill("Name", with: "Browser key")
            try await browser.click("Create key")
            let secret = try await browser.textOf(try await browser.find("[data-testid=new-key]"))
            #expect(secret.hasPrefix("alk_live_"))
            try await browser.screenshot(named: "settings-api-new-key")
            #expect(try await live.client.get("/api/v1/leads", key: secret).status == .ok)
            try await live.open("/settings/api")
            #expect(try await !browser.text.contains(secret), "shown once")
            try await browser.click("Revoke Browser key")
            try await browser.click("Revoke key")
            #expect(try await browser.text.contains("The key was revoked"))
            #expect(try await live.client.get("/api/v1/leads", key: secret).status == .unauthorized)
        }
    }

    @Test func registerAWebhookAndSeeItsDeliveriesInTheLog() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        do {
            try await LiveDashboard.run(configure: fastWebhooks) { live in
                let browser = live.browser
                try await live.signIn()
                try await live.open("/settings/api")
                try await browser.fill("URL", with: receiver.url)
                try await browser.fill("Description (optional)", with: "Zapier")
                try await browser.click("Add endpoint")
                let secret = try await browser.textOf(try await browser.find("[data-testid=endpoint-secret]"))
                #expect(secret.hasPrefix("whsec_"))
                try await browser.click("Send test event")
                let page = try await browser.url
                #expect(page.contains("/settings/api/webhooks/whk_"))
                _ = try await live.client.create(
                    "/api/v1/leads", ["name": "Hooked Lead"], idKey: "leadId", key: live.key)
                let arrivals = try await receiver.waitForArrivals(2)
                #expect(arrivals.contains { $0.body.contains("webhook.test") })
                #expect(arrivals.contains { $0.body.contains("Hooked Lead") })
                // the log shows both, delivered, with the receiver's answer
                var delivered = 0
                for _ in 0..<50 {
                    try await browser.open(page)
                    delivered = try await browser.findAll(".deliveries .status-delivered").count
                    if delivered == 2 { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(delivered == 2)
                let text = try await browser.text
                #expect(text.contains("webhook.test") && text.contains("lead.created"))
                #expect(text.contains("answered 200"))
                try await browser.screenshot(named: "settings-webhook")
                try await browser.click("Redeliver lead.created")
                #expect(try await browser.text.contains("queued again"))
                _ = try await receiver.waitForArrivals(3)
                try await browser.click("Disable")
                #expect(try await browser.text.contains("No event is delivered while the endpoint is disabled"))
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    @Test func addAListingBookAShowingAndConfirmIt() async throws {
        try await LiveDashboard.run { live in
            let browser = live.browser
            let client = try await live.client.create(
                "/api/v1/clients", ["name": "Bo Buyer", "email": "bo@example.com"], idKey: "clientId", key: live.key)
            try await live.signIn()
            try await live.open("/listings")
            try await browser.click("New listing")
            try await browser.fill("Address", with: "12 Harbour Rd")
            try await browser.fill("Price (USD)", with: "749999.99")
            try await browser.fill("Bathrooms", with: "2.5")
            try await browser.click("Add listing")
            #expect(try await browser.text.contains("USD 749,999.99"))
            try await live.open("/clients/\(client)")
            try await browser.choose("12 Harbour Rd", in: try await browser.field("Listing"))
            try await browser.fill("Notes for the showing", with: "Keys at the desk")
            try await browser.click("Book showing")
            #expect(try await browser.text.contains("Keys at the desk"))
            try await live.open("/showings")
            try await browser.click("Confirm the showing of 12 Harbour Rd for Bo Buyer")
            #expect(try await browser.url.contains("/showings"))
            let showings = try await live.client.get("/api/v1/showings?clientId=\(client)", key: live.key).json
            #expect((showings["showings"] as? [[String: Any]])?.first?["status"] as? String == "confirmed")
            let events = try await Outbox(database: live.seed.database.sql).events(in: live.workspace.workspace.id)
            #expect(events.map(\.type).contains(.showingRequested))
            #expect(events.map(\.type).contains(.listingCreated))
        }
    }

    /// The accessibility check is not vacuous: a field without a label and an image without a text are found.
    @Test func axeFindsWhatIsWrongOnAPage() async throws {
        try await LiveDashboard.run { live in
            try await live.open("/login")
            try await live.browser.run(
                "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/static/none.png\"><input>');"
            )
            let violations = try await live.browser.accessibilityViolations()
            #expect(violations.contains { $0.hasPrefix("image-alt") }, "\(violations)")
            #expect(violations.contains { $0.hasPrefix("label") }, "\(violations)")
        }
    }
}

extension Array where Element == Browser.Element {
    /// Whether one of these elements reads `text`.
    func asyncContains(_ text: String, in browser: Browser) async throws -> Bool {
        for element in self where try await browser.textOf(element) == text { return true }
        return false
    }
}
