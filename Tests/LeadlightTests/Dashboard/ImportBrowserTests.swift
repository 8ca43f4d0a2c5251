import Foundation
import HTTPTypes
import Testing

@testable import Leadlight

/// Offerings → Import in a real browser (Chromium through chromedriver): upload a file, match its columns, check
/// every row, import, read the results and fetch the error file; every step's page fits a phone and passes axe
/// (issue 12).
@Suite(.enabled(if: Browser.available), .serialized, .takingTurns)
struct ImportBrowserTests {
    @Test func uploadMatchCheckImportAndFetchTheErrorFile() async throws {
        let directory = try makeTemporaryDirectory("leadlight-import-browser")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("stock.csv")
        try
            ("\u{FEFF}Product Name,SKU,Unit Price,Colour\r\n" + "\"Oak table, large\",OAK-1,249.00,brown\r\n"
            + "Pine shelf,PINE-1,twelve,white\r\n" + "Birch stool,BIRCH-1,35,pale\r\n").write(
                to: file, atomically: true, encoding: .utf8)

        try await LiveDashboard.run { live in
            let browser = live.browser
            try await live.signIn()
            try await live.open("/offerings")
            try await browser.click("Import")
            try await Self.checkThePage(browser, "the import page")
            try await browser.type(file.path, into: try await browser.field("CSV file"), clearing: false)
            try await browser.click("Upload")

            // the columns, matched by name; Colour has no field, and the person leaves Unit Price out then back in
            #expect(try await browser.text.contains("Match the columns of stock.csv"))
            try await Self.checkThePage(browser, "the columns page")
            let colour = try await browser.field("Colour")
            #expect(try await browser.property("value", of: colour) as? String == "")
            #expect(try await browser.property("value", of: try await browser.field("SKU")) as? String == "sku")
            try await browser.choose("description", in: colour)
            try await browser.click("Check every row")

            #expect(try await browser.text.contains("Checked: nothing written yet"))
            #expect(try await browser.textOf(try await browser.find("[data-testid=count-created]")) == "2")
            #expect(try await browser.textOf(try await browser.find("[data-testid=count-failed]")) == "1")
            #expect(try await browser.text.contains("price: must be a number"))
            try await Self.checkThePage(browser, "the check's results")
            let before = try await live.client.get("/api/v1/products", key: live.key)
            #expect(before.text.contains(#""total":0"#), "a check writes nothing")

            try await browser.click("Import")
            #expect(try await browser.text.contains("Import results"))
            #expect(try await browser.textOf(try await browser.find("[data-testid=import-status]")) == "imported")
            try await Self.checkThePage(browser, "the import's results")
            let found = try await live.client.get("/api/v1/products?sku=OAK-1", key: live.key)
            #expect(found.text.contains(#""name":"Oak table, large""#))
            #expect(found.text.contains(#""description":"brown""#))
            #expect(found.text.contains(#""price":249"#))

            // the error file, fetched as the page's link would download it
            let href = try #require(
                try await browser.property("href", of: try await browser.find("[data-testid=error-file]")) as? String)
            let errors = try await browser.runAsync(
                "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.text()).then(done);",
                [href])
            #expect(
                errors as? String
                    == "Product Name,SKU,Unit Price,Colour,line,errors\r\n"
                    + "Pine shelf,PINE-1,twelve,white,3,\"price: must be a number, like 19.99\"\r\n")

            // the import page lists the check and the import
            try await live.open("/offerings/import")
            #expect(try await browser.findAll("[data-testid=past-imports] tbody tr").count == 2)
        }
    }

    /// The page fits a 390-pixel phone without scrolling sideways and axe finds no serious violation, then the
    /// browser is wide again.
    static func checkThePage(_ browser: Browser, _ what: String) async throws {
        for width in [390, 1280] {
            try await browser.emulateViewport(width: width, height: 844)
            #expect(try await !browser.scrollsSideways, "\(what) at \(width)")
            #expect(try await browser.accessibilityViolations() == [], "\(what) at \(width)")
        }
    }
}
