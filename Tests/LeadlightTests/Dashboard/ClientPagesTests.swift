import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// The pipeline board and the client page, over HTTP (issue 10).
@Suite struct ClientPagesTests {
    @Test(arguments: TestDatabase.available)
    func theBoardHasAColumnPerStageInPipelineOrderWithCountsAndANoScriptStageControl(on database: TestDatabase)
        async throws
    {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                var ids: [String] = []
                for index in 0..<3 {
                    ids.append(
                        try await client.create(
                            "/api/v1/clients", ["name": "Buyer \(index)", "email": "buyer\(index)@example.com"],
                            idKey: "clientId", key: key))
                }
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                let board = try await browser.get("/clients")
                let positions = BuyingStage.allCases.map {
                    board.text.range(
                        of: #"id="stage-\#($0.rawValue.lowercased().replacingOccurrences(of: " ", with: "-"))""#)?
                        .lowerBound
                }
                #expect(positions.allSatisfy { $0 != nil })
                #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
                #expect(board.text.contains(#"data-testid="count-new">3<"#))
                #expect(board.text.contains(#"<select id="stage-of-\#(ids[0])" name="buyingStage">"#))

                let moved = try await browser.post("/clients/\(ids[0])/stage", ["buyingStage": "Under Contract"])
                #expect(moved.headers[.location] == "/clients#client-\(ids[0])")
                let after = try await browser.get("/clients")
                #expect(after.text.contains(#"data-testid="count-new">2<"#))
                #expect(after.text.contains(#"data-testid="count-under-contract">1<"#))
                // each card's control shows its own stage chosen, the others to move to
                let card = try #require(after.text.range(of: #"<select id="stage-of-\#(ids[0])""#))
                let control = after.text[card.lowerBound...].prefix(1_000)
                let options = control[..<(control.range(of: "</select>")?.lowerBound ?? control.endIndex)]
                #expect(options.contains(#"<option value="Under Contract" selected>Under Contract</option>"#))
                #expect(options.components(separatedBy: "<option").count - 1 == BuyingStage.allCases.count)
                #expect(options.components(separatedBy: " selected>").count - 1 == 1)
                let bad = try await browser.post("/clients/\(ids[1])/stage", ["buyingStage": "Dreaming"])
                #expect(bad.status == .badRequest)
                #expect(bad.text.contains("buyingStage"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aClientPageEditsAddsNotesAndRefusesAnotherClientsEmail(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let other = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let ada = try await client.create(
                    "/api/v1/clients", ["name": "Ada", "email": "ada@example.com"], idKey: "clientId", key: key)
                _ = try await client.create(
                    "/api/v1/clients", ["name": "Bo", "email": "bo@example.com"], idKey: "clientId", key: key)
                let theirs = try await client.create(
                    "/api/v1/clients", ["name": "Theirs", "email": "t@example.com"], idKey: "clientId",
                    key: other.apiKey.value)
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                #expect(try await browser.get("/clients/\(ada)").status == .ok)
                let taken = try await browser.post(
                    "/clients/\(ada)",
                    ["name": "Ada", "email": "bo@example.com", "phone": "", "buyingStage": "New", "notes": ""])
                #expect(taken.status == .conflict)
                #expect(
                    taken.text.contains("another client&#39;s email") || taken.text.contains("another client's email"))
                #expect(taken.text.contains(#"value="bo@example.com""#))
                let saved = try await browser.post(
                    "/clients/\(ada)",
                    [
                        "name": "Ada King", "email": "ada@example.com", "phone": "555 0100", "buyingStage": "Searching",
                        "notes": "",
                    ])
                #expect(saved.headers[.location] == "/clients/\(ada)?saved=1")
                _ = try await browser.post("/clients/\(ada)/notes", ["note": "Prefers mornings"])
                let page = try await browser.get("/clients/\(ada)")
                #expect(page.text.contains("Prefers mornings"))
                #expect(page.text.contains("Stage New → Searching"))
                #expect(try await browser.get("/clients/\(theirs)").status == .notFound)
                #expect(try await browser.post("/clients/\(theirs)/stage", ["buyingStage": "Lost"]).status == .notFound)
                #expect(!(try await browser.get("/clients").text.contains("Theirs")))
            }
        }
    }
}
