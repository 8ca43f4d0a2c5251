import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// One door per change: the same change made through the API and through the dashboard stores the same row and
/// records the same event (type and body shape), because both call the same operation (issue 10).
@Suite struct SameChangeTests {
    /// The event's type and the shape of its body: every key path, with the values that do not depend on ids or
    /// times.
    static func shape(_ event: Event) throws -> [String: String] {
        let object = try JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any] ?? [:]
        var shape = ["type": event.type.rawValue]
        for (key, value) in object {
            let varying = key == "id" || key.hasSuffix("At") || key.hasSuffix("Id")
            shape[key] = varying ? "\(type(of: value))" : "\(value)"
        }
        return shape
    }

    static func lastEvent(_ seed: TestSeed, _ workspace: Workspace.ID) async throws -> Event {
        try #require(try await Outbox(database: seed.database.sql).events(in: workspace).last)
    }

    static func comparable(_ lead: Lead) -> [String?] {
        [lead.name, lead.email, lead.phone?.text, lead.source, lead.propertyAddress, lead.notes, lead.status.rawValue]
    }

    @Test(arguments: TestDatabase.available)
    func leadsAndClientsChangeTheSameThroughTheAPIAndTheDashboard(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let (key, id) = (workspace.apiKey.value, workspace.workspace.id)
            let leads = LeadStore(database: seed.database.sql)
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                let fields = [
                    "name": "Same Person", "email": "same@example.com", "phone": "555 0100", "source": "website",
                    "propertyAddress": "1 Main St", "notes": "Wants a garden",
                ]

                // lead.created
                let apiLead = try await client.create("/api/v1/leads", fields, idKey: "leadId", key: key)
                let apiCreated = try Self.shape(try await Self.lastEvent(seed, id))
                let created = try await browser.post("/leads", fields.merging(["status": "new"]) { $1 })
                let pageLead = String(try #require(created.headers[.location]).dropFirst("/leads/".count))
                let pageCreated = try Self.shape(try await Self.lastEvent(seed, id))
                #expect(apiCreated == pageCreated)
                #expect(apiCreated["type"] == "lead.created")
                let (a, b) = (
                    try #require(try await leads.find(Lead.ID(rawValue: apiLead), in: id)),
                    try #require(try await leads.find(Lead.ID(rawValue: pageLead), in: id))
                )
                #expect(Self.comparable(a) == Self.comparable(b))

                // lead.status_changed
                _ = try await client.send(.patch, "/api/v1/leads/\(apiLead)", json: ["status": "qualified"], key: key)
                let apiStatus = try Self.shape(try await Self.lastEvent(seed, id))
                _ = try await browser.post("/leads/\(pageLead)", fields.merging(["status": "qualified"]) { $1 })
                let pageStatus = try Self.shape(try await Self.lastEvent(seed, id))
                #expect(apiStatus == pageStatus)
                #expect(apiStatus["type"] == "lead.status_changed")
                #expect(apiStatus["previousStatus"] == "new")

                // client.created (by converting), then client.stage_changed
                _ = try await client.send(
                    .patch, "/api/v1/leads/\(apiLead)", json: ["email": "api@example.com"], key: key)
                let apiConverted = try await client.send(.post, "/api/v1/leads/\(apiLead)/convert", json: [:], key: key)
                let apiClient = try #require(try apiConverted.json["clientId"] as? String)
                let events = try await Outbox(database: seed.database.sql).events(in: id)
                let apiClientCreated = try Self.shape(try #require(events.last { $0.type == .clientCreated }))
                let apiConvertStatus = try Self.shape(try #require(events.last))
                _ = try await browser.post(
                    "/leads/\(pageLead)", fields.merging(["status": "qualified", "email": "page@example.com"]) { $1 })
                let pageConverted = try await browser.post("/leads/\(pageLead)/convert", [:])
                let pageClient = String(try #require(pageConverted.headers[.location]).dropFirst("/clients/".count))
                let after = try await Outbox(database: seed.database.sql).events(in: id)
                var pageClientCreated = try Self.shape(try #require(after.last { $0.type == .clientCreated }))
                var pageConvertStatus = try Self.shape(try #require(after.last))
                pageClientCreated["email"] = apiClientCreated["email"]
                pageConvertStatus["email"] = apiConvertStatus["email"]
                #expect(apiClientCreated == pageClientCreated)
                #expect(apiConvertStatus == pageConvertStatus)
                #expect(pageConvertStatus["status"] == "converted")

                _ = try await client.send(
                    .patch, "/api/v1/clients/\(apiClient)", json: ["buyingStage": "Touring"], key: key)
                let apiStage = try Self.shape(try await Self.lastEvent(seed, id))
                _ = try await browser.get("/clients")
                let moved = try await browser.post("/clients/\(pageClient)/stage", ["buyingStage": "Touring"])
                #expect(moved.status == .seeOther)
                var pageStage = try Self.shape(try await Self.lastEvent(seed, id))
                pageStage["email"] = apiStage["email"]
                #expect(apiStage == pageStage)
                #expect(apiStage["type"] == "client.stage_changed")
                #expect(apiStage["previousStage"] == "New")
                let stored = try await ClientStore(database: seed.database.sql).find(
                    Client.ID(rawValue: pageClient), in: id)
                #expect(stored?.buyingStage == .touring)
            }
        }
    }
    @Test(arguments: TestDatabase.available)
    func listingsAndShowingsChangeTheSameThroughTheAPIAndTheDashboard(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let (key, id) = (workspace.apiKey.value, workspace.workspace.id)
            let listings = ListingStore(database: seed.database.sql)
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                let fields = [
                    "address": "12 Harbour Rd", "price": "749999.99", "bedrooms": "3", "bathrooms": "2.5",
                    "sqft": "1850", "description": "Sea view",
                ]

                // listing.created
                let apiListing = try await client.create(
                    "/api/v1/listings",
                    [
                        "address": "12 Harbour Rd", "price": "749999.99", "bedrooms": 3, "bathrooms": 2.5, "sqft": 1850,
                        "description": "Sea view",
                    ], idKey: "listingId", key: key)
                let apiCreated = try Self.shape(try await Self.lastEvent(seed, id))
                let created = try await browser.post("/listings", fields.merging(["status": "active"]) { $1 })
                let pageListing = String(try #require(created.headers[.location]).dropFirst("/listings/".count))
                let pageCreated = try Self.shape(try await Self.lastEvent(seed, id))
                #expect(apiCreated == pageCreated)
                #expect(apiCreated["type"] == "listing.created")
                func comparable(_ listing: Listing?) -> [String?] {
                    [
                        listing?.address, listing?.price.description, listing?.bedrooms.map(String.init),
                        listing?.bathroomTenths.map(String.init), listing?.sqft.map(String.init), listing?.description,
                        listing?.status.rawValue,
                    ]
                }
                #expect(
                    comparable(try await listings.find(Listing.ID(rawValue: apiListing), in: id))
                        == comparable(try await listings.find(Listing.ID(rawValue: pageListing), in: id)))

                // listing.status_changed
                _ = try await client.send(
                    .patch, "/api/v1/listings/\(apiListing)", json: ["status": "pending"], key: key)
                let apiStatus = try Self.shape(try await Self.lastEvent(seed, id))
                _ = try await browser.post("/listings/\(pageListing)", fields.merging(["status": "pending"]) { $1 })
                let pageStatus = try Self.shape(try await Self.lastEvent(seed, id))
                #expect(apiStatus == pageStatus)
                #expect(apiStatus["type"] == "listing.status_changed")
                #expect(apiStatus["previousStatus"] == "active")

                // showing.requested
                let buyer = try await client.create(
                    "/api/v1/clients", ["name": "Ada", "email": "ada@example.com"], idKey: "clientId", key: key)
                _ = try await client.send(
                    .patch, "/api/v1/listings/\(apiListing)", json: ["status": "active"], key: key)
                _ = try await client.create(
                    "/api/v1/showings",
                    [
                        "clientId": buyer, "listingId": apiListing, "preferredTime": "2026-12-05T15:00:00Z",
                        "notes": "Keys at the desk",
                    ], idKey: "showingId", key: key)
                let apiRequested = try Self.shape(try await Self.lastEvent(seed, id))
                let booked = try await browser.post(
                    "/clients/\(buyer)/showings",
                    ["listingId": apiListing, "preferredTime": "2026-12-05T15:00", "showingNotes": "Keys at the desk"])
                #expect(booked.status == .seeOther)
                let pageRequested = try Self.shape(try await Self.lastEvent(seed, id))
                #expect(apiRequested == pageRequested)
                #expect(apiRequested["type"] == "showing.requested")
                #expect(apiRequested["status"] == "requested")
            }
        }
    }
}
