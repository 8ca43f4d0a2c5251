import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// The dashboard in a real Chromium against a real server on 127.0.0.1: flows, not pixels (issue 10).
/// One browser at a time: the machine has two cores.
@Suite(.enabled(if: Browser.available), .serialized)
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

    @Test func aLeadNamedLikeMarkupIsShownAsTextAndRunsNoScript() async throws {
        try await LiveDashboard.run { live in
            let name = "<img src=x onerror=alert(1)>"
            let lead = try await live.client.create("/api/v1/leads", ["name": name], idKey: "leadId", key: live.key)
            let client = try await live.client.create(
                "/api/v1/clients", ["name": name, "email": "x@example.com"], idKey: "clientId", key: live.key)
            try await live.signIn()
            for path in ["/", "/leads", "/leads/\(lead)", "/clients", "/clients/\(client)"] {
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
            try await live.signIn()
            for width in [1280, 390] {
                try await browser.emulateViewport(width: width, height: 844)
                let pages = [
                    ("/", "overview"), ("/leads", "leads"), ("/leads/new", "lead-new"), ("/leads/\(lead)", "lead"),
                    ("/clients", "clients"), ("/clients/\(client)", "client"),
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
