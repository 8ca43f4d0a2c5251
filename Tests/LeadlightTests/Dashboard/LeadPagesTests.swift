import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// The leads inbox and the lead page, over HTTP: forms in, pages and redirects out (issue 10).
@Suite struct LeadPagesTests {
    @Test(arguments: TestDatabase.available)
    func aLeadAddedByFormIsStoredAndAnnouncedAndBadInputKeepsWhatWasTyped(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                _ = try await browser.get("/leads/new")
                let bad = try await browser.post(
                    "/leads", ["name": "Ada Lovelace", "email": "not an email", "phone": "555 0100", "status": "new"])
                #expect(bad.status == .unprocessableContent)
                #expect(bad.text.contains(#"value="Ada Lovelace""#))
                #expect(bad.text.contains(#"value="not an email""#))
                #expect(bad.text.contains(#"id="e-email""#))
                let stored = try await LeadStore(database: seed.database.sql).list(
                    LeadQuery(), in: workspace.workspace.id)
                #expect(stored.total == 0)

                let good = try await browser.post(
                    "/leads",
                    ["name": "Ada Lovelace", "email": "ADA@example.com", "phone": "555 0100", "status": "new"])
                #expect(good.status == .seeOther)
                let location = try #require(good.headers[.location])
                let page = try await browser.get(location)
                #expect(page.status == .ok)
                #expect(page.text.contains("Ada Lovelace"))
                let events = try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id)
                #expect(events.map(\.type) == [.leadCreated])
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func theInboxFiltersSearchesPagesAndChangesManyStatusesAtOnce(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                var ids: [String] = []
                for index in 0..<(ListPaging.size + 5) {
                    ids.append(
                        try await client.create(
                            "/api/v1/leads", ["name": "Lead \(index)", "email": "lead\(index)@example.com"],
                            idKey: "leadId", key: key))
                }
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                let first = try await browser.get("/leads")
                #expect(first.text.contains("1–50 of 55"))
                #expect(first.text.contains("Lead 54"))  // newest first
                #expect(!first.text.contains(">Lead 4<"))
                #expect(first.text.contains("page=2"))
                let second = try await browser.get("/leads?page=2")
                #expect(second.text.contains("51–55 of 55"))
                #expect(second.text.contains(">Lead 0<"))
                let searched = try await browser.get("/leads?q=lead7%40")
                #expect(searched.text.contains("1–1 of 1"))

                // two ticked
                let ticked = try await browser.post(
                    "/leads/status",
                    pairs: [
                        ("_csrf", browser.csrfToken!), ("ids", ids[0]), ("ids", ids[1]), ("scope", "selected"),
                        ("status", "contacted"),
                    ])
                #expect(ticked.status == .seeOther)
                #expect(ticked.headers[.location] == "/leads?changed=2")
                let contacted = try await browser.get("/leads?status=contacted")
                #expect(contacted.text.contains("1–2 of 2"))
                // every one that matches a filter, past the first page
                let all = try await browser.post(
                    "/leads/status", ["filterStatus": "new", "q": "", "scope": "matching", "status": "qualified"])
                #expect(all.headers[.location] == "/leads?status=new&changed=53")
                let events = try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id)
                #expect(events.filter { $0.type == .leadStatusChanged }.count == 55)
                // nothing ticked says so and changes nothing
                let none = try await browser.post("/leads/status", ["scope": "selected", "status": "lost"])
                #expect(none.headers[.location] == "/leads?error=none-selected")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aLeadPageEditsNotesConvertsAndNamesItsLikelyDuplicates(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let leadID = try await client.create(
                    "/api/v1/leads", ["name": "Grace Hopper", "phone": "(555) 010-0200"], idKey: "leadId", key: key)
                let twinID = try await client.create(
                    "/api/v1/leads", ["name": "G. Hopper", "phone": "555 010 0200"], idKey: "leadId", key: key)
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                let page = try await browser.get("/leads/\(leadID)")
                #expect(page.text.contains("Possibly the same person"))
                #expect(page.text.contains("/leads/\(twinID)"))

                // without an email there is no client yet: the page says why
                let refused = try await browser.post("/leads/\(leadID)/convert", [:])
                #expect(refused.status == .conflict)
                #expect(refused.text.contains("A client needs an email"))

                let saved = try await browser.post(
                    "/leads/\(leadID)",
                    [
                        "name": "Grace Hopper", "email": "grace@example.com", "phone": "(555) 010-0200", "source": "",
                        "propertyAddress": "", "status": "contacted", "notes": "",
                    ])
                #expect(saved.headers[.location] == "/leads/\(leadID)?saved=1")
                let note = try await browser.post("/leads/\(leadID)/notes", ["note": "Called <b>back</b>"])
                #expect(note.status == .seeOther)
                let afterNote = try await browser.get("/leads/\(leadID)")
                #expect(afterNote.text.contains("Called &lt;b&gt;back&lt;/b&gt;"))
                #expect(afterNote.text.contains("Status new → contacted"))
                let empty = try await browser.post("/leads/\(leadID)/notes", ["note": "  "])
                #expect(empty.status == .unprocessableContent)

                let converted = try await browser.post("/leads/\(leadID)/convert", [:])
                let clientPath = try #require(converted.headers[.location])
                #expect(clientPath.hasPrefix("/clients/cli_"))
                let lead = try await client.get("/api/v1/leads/\(leadID)", key: key).json
                #expect(lead["status"] as? String == "converted")
                #expect("/clients/\(lead["clientId"] as? String ?? "")" == clientPath)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anotherWorkspacesLeadIsNotFound(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let mine = try await seed.workspace()
            let theirs = try await seed.workspace()
            try await app.test(.router) { client in
                let theirLead = try await client.create(
                    "/api/v1/leads", ["name": "Not Yours"], idKey: "leadId", key: theirs.apiKey.value)
                var browser = DashboardClient(client)
                try await browser.signIn(mine.owner.email)
                #expect(try await browser.get("/leads/\(theirLead)").status == .notFound)
                #expect(!(try await browser.get("/leads").text.contains("Not Yours")))
                let update = try await browser.post(
                    "/leads/\(theirLead)", ["name": "Taken", "status": "lost"])
                #expect(update.status == .notFound)
                #expect(try await browser.post("/leads/\(theirLead)/convert", [:]).status == .notFound)
                #expect(try await browser.post("/leads/\(theirLead)/notes", ["note": "hi"]).status == .notFound)
                let lead = try await client.get("/api/v1/leads/\(theirLead)", key: theirs.apiKey.value).json
                #expect(lead["name"] as? String == "Not Yours")
            }
        }
    }
}
