import Foundation
import Testing

@testable import Leadlight

/// Settings → Integrations → HubSpot in a real browser (Chromium through chromedriver), against a stand-in of
/// HubSpot's API (issue 12): a refused token said plainly, Connect, the page following the first sync by itself
/// until its counts show, Sync now, Disconnect; every state of the page but the one updating itself fits a phone
/// and passes axe.
@Suite(.enabled(if: Browser.available), .serialized, .takingTurns)
struct HubSpotConnectBrowserTests {
    @Test func connectSyncNowAndDisconnect() async throws {
        try await HubSpotImportTests.withStandIn { standIn in
            standIn.set(HubSpotConnectionTests.products(140, archived: 4))
            // slow enough that the page is seen while the first sync is under way
            standIn.answerAfter(.milliseconds(400))
            try await LiveDashboard.run(configure: HubSpotConnectionTests.configure(standIn, on: .sqlite)) { live in
                let browser = live.browser
                try await live.signIn()
                try await live.open("/settings")
                try await browser.click("Integrations")
                #expect(try await browser.text.contains("Bring the products of your HubSpot account in"))
                try await ImportBrowserTests.checkThePage(browser, "the integrations page")

                try await browser.fill("Private app access token", with: "pat-na1-not-the-one")
                try await browser.click("Connect")
                let problem = try await browser.textOf(try await browser.find("[data-testid=hubspot-problem]"))
                #expect(problem.contains("HubSpot did not accept this token"))
                try await ImportBrowserTests.checkThePage(browser, "a refused token")

                try await browser.fill("Private app access token", with: HubSpotStandIn.token)
                try await browser.click("Connect")
                #expect(try await browser.text.contains("HubSpot is connected"))
                // (axe is run on the page once the sync has ended: this one reads itself again every 2 seconds,
                // which on a busy machine can replace it while axe runs)
                #expect(try await browser.findAll("[data-testid=hubspot-syncing][role=status]").count == 1)
                // the page reads itself again until the sync has ended
                try await browser.wait(
                    until: "document.querySelector('[data-testid=hubspot-last-import] [data-testid=count-created]')",
                    timeout: 20)
                #expect(try await browser.textOf(try await browser.find("[data-testid=count-created]")) == "140")
                #expect(try await browser.findAll("[data-testid=hubspot-syncing]").isEmpty)
                try await ImportBrowserTests.checkThePage(browser, "a finished sync")
                let products = try await live.client.get("/api/v1/products?limit=1", key: live.key)
                #expect(products.text.contains(#""total":140"#))

                try await browser.click("Sync now")
                #expect(try await browser.text.contains("A sync of every product has started"))
                try await browser.wait(
                    until: "(document.querySelector('[data-testid=count-unchanged]') || {}).textContent === '140'",
                    timeout: 20)
                #expect(
                    try await browser.textOf(try await browser.find("[data-testid=hubspot-last-status]")) == "completed"
                )

                try await browser.click("See this sync")
                #expect(try await browser.text.contains("HubSpot products"))
                try await live.open("/settings/integrations")
                try await browser.click("Disconnect")
                #expect(try await browser.text.contains("HubSpot is disconnected"))
                _ = try await browser.control("Connect")
                try await ImportBrowserTests.checkThePage(browser, "after disconnecting")
                let kept = try await live.client.get("/api/v1/products?limit=1", key: live.key)
                #expect(kept.text.contains(#""total":140"#))
            }
        }
    }
}
