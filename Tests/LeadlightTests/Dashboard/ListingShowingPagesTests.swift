import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// The listings and showings pages, over HTTP (issue 10).
@Suite struct ListingShowingPagesTests {
    static let listing = [
        "address": "12 Harbour Rd", "price": "749999.99", "bedrooms": "3", "bathrooms": "2.5", "sqft": "1850",
        "description": "Sea view", "status": "active",
    ]

    @Test(arguments: TestDatabase.available)
    func aListingIsAddedExactlyEditedSearchedAndFilteredByStatus(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let other = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                #expect(try await browser.get("/listings/new").status == .ok)

                let bad = try await browser.post(
                    "/listings", Self.listing.merging(["price": "lots", "bathrooms": "2.55", "address": ""]) { $1 })
                #expect(bad.status == .unprocessableContent)
                #expect(bad.text.contains(#"id="e-price""#))
                #expect(bad.text.contains(#"id="e-bathrooms""#))
                #expect(bad.text.contains(#"id="e-address""#))
                #expect(bad.text.contains(#"value="lots""#), "what was typed is kept")
                #expect(
                    try await ListingStore(database: seed.database.sql).list(.init(), in: workspace.workspace.id)
                        .total == 0)

                let created = try await browser.post("/listings", Self.listing)
                #expect(created.status == .seeOther)
                let id = String(try #require(created.headers[.location]).dropFirst("/listings/".count))
                let api = try await client.send(.get, "/api/v1/listings/\(id)", json: [:], key: key).json
                #expect("\(api["price"] ?? "")" == "749999.99")
                #expect("\(api["bathrooms"] ?? "")" == "2.5")
                #expect(api["sqft"] as? Int == 1850)

                let list = try await browser.get("/listings")
                #expect(list.text.contains("USD 749,999.99"))
                #expect(list.text.contains(#"<a href="/listings/\#(id)">12 Harbour Rd</a>"#))

                let edited = try await browser.post(
                    "/listings/\(id)", Self.listing.merging(["status": "pending", "price": "740000"]) { $1 })
                #expect(edited.headers[.location] == "/listings/\(id)?saved=1")
                let event = try #require(
                    try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id).last)
                #expect(event.type == .listingStatusChanged)
                #expect(try await browser.get("/listings/\(id)?saved=1").text.contains("USD 740,000.00"))

                // the default list is every status; a status filter narrows it; the search reads the address
                #expect(try await browser.get("/listings").text.contains("12 Harbour Rd"))
                #expect(!(try await browser.get("/listings?status=active").text.contains("12 Harbour Rd")))
                #expect(try await browser.get("/listings?status=pending").text.contains("12 Harbour Rd"))
                #expect(try await browser.get("/listings?q=harbour").text.contains("12 Harbour Rd"))
                #expect(!(try await browser.get("/listings?q=50%25").text.contains("12 Harbour Rd")))

                _ = try await browser.post("/listings/\(id)/archive", [:])
                #expect(!(try await browser.get("/listings").text.contains("12 Harbour Rd")))
                #expect(try await browser.get("/listings?archived=true").text.contains("12 Harbour Rd"))

                let theirs = try await client.create(
                    "/api/v1/listings", ["address": "Theirs", "price": 1], idKey: "listingId", key: other.apiKey.value)
                #expect(try await browser.get("/listings/\(theirs)").status == .notFound)
                #expect(try await browser.post("/listings/\(theirs)", Self.listing).status == .notFound)
                #expect(!(try await browser.get("/listings?archived=true").text.contains("Theirs")))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aShowingIsBookedFromTheClientPageAndMovedOnFromTheShowingsList(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let other = try await seed.workspace()
            let key = workspace.apiKey.value
            let id = workspace.workspace.id
            try await app.test(.router) { client in
                let ada = try await client.create(
                    "/api/v1/clients", ["name": "Ada", "email": "ada@example.com"], idKey: "clientId", key: key)
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                #expect(try await browser.get("/clients/\(ada)").text.contains("add a listing"))

                let listing = try await client.create(
                    "/api/v1/listings", ["address": "12 Harbour Rd", "price": 750000], idKey: "listingId", key: key)
                let theirs = try await client.create(
                    "/api/v1/listings", ["address": "Theirs", "price": 1], idKey: "listingId", key: other.apiKey.value)
                let page = try await browser.get("/clients/\(ada)")
                #expect(page.text.contains(#"<option value="\#(listing)""#))
                #expect(!page.text.contains("Theirs"))

                let badTime = try await browser.post(
                    "/clients/\(ada)/showings",
                    ["listingId": listing, "preferredTime": "31/02/2026", "showingNotes": "Keys"])
                #expect(badTime.status == .unprocessableContent)
                #expect(badTime.text.contains(#"id="e-preferredTime""#))
                #expect(badTime.text.contains(">Keys</textarea>"))
                let foreign = try await browser.post(
                    "/clients/\(ada)/showings", ["listingId": theirs, "preferredTime": "", "showingNotes": ""])
                #expect(foreign.status == .unprocessableContent)
                #expect(foreign.text.contains(#"id="e-listingId""#))
                #expect(try await Outbox(database: seed.database.sql).events(in: id).last?.type == .listingCreated)

                // the time typed is the workspace's (UTC for the seed's workspace)
                let booked = try await browser.post(
                    "/clients/\(ada)/showings",
                    ["listingId": listing, "preferredTime": "2026-12-05T15:00", "showingNotes": "Bring keys"])
                #expect(booked.headers[.location] == "/clients/\(ada)#showings")
                let event = try #require(try await Outbox(database: seed.database.sql).events(in: id).last)
                #expect(event.type == .showingRequested)
                let shown = try await client.send(.get, "/api/v1/showings?clientId=\(ada)", json: [:], key: key).json
                let showing = try #require((shown["showings"] as? [[String: Any]])?.first)
                let showingID = try #require(showing["id"] as? String)
                #expect(showing["preferredTime"] as? String == "2026-12-05T15:00:00.000Z")
                #expect(showing["notes"] as? String == "Bring keys")
                #expect(showing["status"] as? String == "requested")

                for path in ["/clients/\(ada)", "/listings/\(listing)", "/showings"] {
                    let text = try await browser.get(path).text
                    #expect(text.contains("Bring keys"), "\(path)")
                    #expect(text.contains(#"action="/showings/\#(showingID)/status""#), "\(path)")
                }

                let confirmed = try await browser.post(
                    "/showings/\(showingID)/status", ["status": "confirmed", "back": "/listings/\(listing)#showings"])
                #expect(confirmed.headers[.location] == "/listings/\(listing)#showings")
                let elsewhere = try await browser.post(
                    "/showings/\(showingID)/status", ["status": "completed", "back": "//evil.example/"])
                #expect(elsewhere.headers[.location] == "/showings")
                let api = try await client.send(.get, "/api/v1/showings/\(showingID)", json: [:], key: key).json
                #expect(api["status"] as? String == "completed")
                let done = try await browser.get("/showings?status=completed")
                #expect(done.text.contains("Bring keys"))
                #expect(!done.text.contains(#"action="/showings/\#(showingID)/status""#), "a completed one has no step")
                #expect(!(try await browser.get("/showings?status=requested").text.contains("Bring keys")))
                let bad = try await browser.post("/showings/\(showingID)/status", ["status": "teleported"])
                #expect(bad.status == .badRequest)
            }
        }
    }

    @Test func moneyIsWrittenExactlyWithThousandsSeparators() throws {
        let usd = try #require(CurrencyCode(rawValue: "USD"))
        #expect(DashboardFormat.money(Money(units: 0), usd) == "USD 0.00")
        #expect(DashboardFormat.money(Money(units: 7_499_999_900), usd) == "USD 749,999.99")
        #expect(DashboardFormat.money(Money(units: 12_345), usd) == "USD 1.2345")
        #expect(DashboardFormat.money(Money(units: Money.maximumUnits), usd) == "USD 1,000,000,000,000.00")
    }

    @Test func aDatetimeLocalValueIsReadInTheWorkspaceZone() throws {
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        let time = try #require(DashboardFormat.localTime("2026-12-05T15:00", in: paris))
        #expect(time.formatted(.iso8601) == "2026-12-05T14:00:00Z")
        #expect(
            DashboardFormat.localTime("2026-12-05T15:00:30", in: .gmt)?.formatted(.iso8601) == "2026-12-05T15:00:30Z")
        for bad in [
            "", "2026-02-31T10:00", "2026-12-05", "2026-13-01T10:00", "2026-12-05T24:00", "x-y-zTa:b",
            "99999999999999999999-01-01T00:00", "2026-12-05T10:00:00:00",
        ] {
            #expect(DashboardFormat.localTime(bad, in: .gmt) == nil, "\(bad)")
        }
    }
}
