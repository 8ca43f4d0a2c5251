import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing

@testable import Leadlight

/// Offerings → Import in the dashboard, over HTTP: upload, match the columns, check every row, import, results and
/// the error file (issue 12). The browser walks the same flow in `ImportBrowserTests`.
@Suite struct ImportPagesTests {
    static let file =
        "Product Name;SKU;Unit Price;Colour\r\n" + "Oak table;OAK-1;249.00;brown\r\n"
        + "Pine shelf;PINE-1;twelve;white\r\n"
        + "Birch stool;BIRCH-1;35;pale\r\n"

    @Test(arguments: TestDatabase.available)
    func uploadMatchCheckImportAndTheErrorFile(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                #expect(try await browser.get("/offerings").text.contains(#"href="/offerings/import""#))
                let start = try await browser.get("/offerings/import")
                #expect(start.status == .ok && start.text.contains(#"enctype="multipart/form-data""#))
                #expect(start.text.contains("No import yet."))

                let uploaded = try await browser.postMultipart(
                    "/offerings/import", [:], files: [("file", "stock.csv", Data(Self.file.utf8))])
                #expect(uploaded.status == .seeOther)
                let columnsPath = try #require(uploaded.headers[.location])
                #expect(columnsPath.hasPrefix("/offerings/import/upl_"))

                // the columns, matched by name (the semicolon found), each with its first values
                let columns = try await browser.get(columnsPath)
                #expect(columns.status == .ok)
                #expect(columns.text.contains("Product Name") && columns.text.contains("Oak table · Pine shelf"))
                #expect(columns.text.contains(#"<option value="semicolon" selected>"#))
                #expect(columns.text.contains(#"<option value="name" selected>"#))
                #expect(columns.text.contains(#"<option value="price" selected>"#))

                // the check: Colour left out, the price column taken as it was matched; nothing written
                let checked = try await browser.post(
                    columnsPath + "/check",
                    [
                        "delimiter": "semicolon", "column.0": "name", "column.1": "sku", "column.2": "price",
                        "column.3": "",
                    ])
                #expect(checked.status == .seeOther)
                let checkPath = try #require(checked.headers[.location])
                let check = try await browser.get(checkPath)
                #expect(check.text.contains("Checked: nothing written yet"))
                #expect(check.text.contains(#"data-testid="count-created">2<"#))
                #expect(check.text.contains(#"data-testid="count-failed">1<"#))
                #expect(check.text.contains("price: must be a number"))
                #expect(check.text.contains("Colour → left out"))
                #expect(try await seed.offerings(in: workspace.workspace.id).isEmpty)

                // import, as checked
                let checkID = String(checkPath.dropFirst("/imports/".count))
                let run = try await browser.post(columnsPath + "/run", ["check": checkID])
                #expect(run.status == .seeOther)
                let resultPath = try #require(run.headers[.location])
                #expect(resultPath != checkPath)
                let result = try await browser.get(resultPath)
                #expect(result.text.contains("Import results") && result.text.contains("imported"))
                #expect(result.text.contains(#"data-testid="count-created">2<"#))
                #expect(result.text.contains("Written: lines 2–4."))
                #expect(!result.text.contains(#"name="check""#), "an import is not offered twice")
                let stored = try await seed.offerings(in: workspace.workspace.id)
                #expect(Set(stored.compactMap(\.sku)) == ["OAK-1", "BIRCH-1"])

                // the file is gone once imported; its error file has the failed line with its columns
                #expect(try await browser.get(columnsPath).status == .notFound)
                let errors = try await browser.get(resultPath + "/errors.csv")
                #expect(errors.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(errors.headers[.contentDisposition] == #"attachment; filename="stock-errors.csv""#)
                #expect(
                    errors.text
                        == "Product Name,SKU,Unit Price,Colour,line,errors\r\n"
                        + "Pine shelf,PINE-1,twelve,white,3,\"price: must be a number, like 19.99\"\r\n")

                // the import page lists both, newest first
                let history = try await browser.get("/offerings/import")
                #expect(history.text.contains("imported") && history.text.contains("checked"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anUploadWithoutItsTokenFirstIsRefusedAndKeepsNothing(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let other = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                _ = try await browser.get("/leads/import")
                let forged = try await browser.postMultipart(
                    "/leads/import", ["_csrf": "forged"], files: [("file", "people.csv", Data("name\nAnn\n".utf8))])
                #expect(forged.status == .forbidden)
                // the file before the token: refused before a byte is kept
                let boundary = "b0undary"
                let body =
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\nname\nAnn\r\n"
                    + "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(browser.csrfToken ?? "")\r\n"
                    + "--\(boundary)--\r\n"
                let late = try await browser.send(
                    "/leads/import", body: ByteBuffer(string: body),
                    contentType: "multipart/form-data; boundary=\(boundary)")
                #expect(late.status == .forbidden)
                let empty = try await browser.postMultipart(
                    "/leads/import", [:], files: [("file", "empty.csv", Data())])
                #expect(empty.status == .badRequest && empty.text.contains("empty.csv is empty."))
                let none = try await browser.postMultipart("/leads/import", [:], files: [])
                #expect(none.status == .badRequest && none.text.contains("Choose a CSV file"))
                let uploads = try await seed.database.sql.raw("SELECT count(*) AS n FROM import_uploads").first()?
                    .decode(column: "n", as: Int.self)
                #expect(uploads == 0)

                // another workspace's upload and import are not found
                let uploaded = try await browser.postMultipart(
                    "/leads/import", [:],
                    files: [("file", "people.csv", Data("name,email\nAnn,ann@example.com\n".utf8))])
                let columnsPath = try #require(uploaded.headers[.location])
                var stranger = DashboardClient(client)
                try await stranger.signIn(other.owner.email)
                #expect(try await stranger.get(columnsPath).status == .notFound)
                #expect(try await stranger.post(columnsPath + "/check", ["column.0": "name"]).status == .notFound)
                let checked = try await browser.post(columnsPath + "/check", ["column.0": "name", "column.1": "email"])
                let checkPath = try #require(checked.headers[.location])
                #expect(try await stranger.get(checkPath).status == .notFound)
                #expect(try await stranger.get(checkPath + "/errors.csv").status == .notFound)
                // an upload of leads is not imported as clients
                #expect(
                    try await browser.get(columnsPath.replacingOccurrences(of: "/leads/", with: "/clients/")).status
                        == .notFound)
            }
        }
    }
}
