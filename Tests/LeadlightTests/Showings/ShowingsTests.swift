import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// `/api/v1/showings`: a client of the workspace requests to see a listing of the workspace.
@Suite struct ShowingsTests {
    @Test(arguments: TestDatabase.available)
    func aClientRequestsAShowingOfAListing(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            let other = try await seed.apiKey()
            try await app.test(.router) { client in
                let clientID = try await client.send(
                    .post, "/api/v1/clients", json: ["name": "Jane", "email": "jane@example.com"], key: key
                )
                .decode(ClientsAPI.Created.self).clientId
                let listingID = try await client.send(
                    .post, "/api/v1/listings", json: ["address": "456 Oak Ave", "price": 750000], key: key
                )
                .decode(ListingsAPI.Created.self).listingId
                let theirListing = try await client.send(
                    .post, "/api/v1/listings", json: ["address": "Elsewhere", "price": 1], key: other
                )
                .decode(ListingsAPI.Created.self).listingId

                let requested = try await client.send(
                    .post, "/api/v1/showings",
                    json: [
                        "clientId": clientID.rawValue, "listingId": listingID.rawValue,
                        "preferredTime": "2026-12-05T15:00:00Z",
                    ],
                    key: key
                )
                #expect(requested.status == .created)
                let id = try requested.decode(ShowingsAPI.Created.self).showingId
                let showing = try await client.get("/api/v1/showings/\(id)", key: key).decode(
                    ShowingsAPI.ShowingBody.self)
                #expect(showing.status == .requested && showing.clientId == clientID && showing.listingId == listingID)
                #expect(showing.preferredTime == Date(timeIntervalSince1970: 1_796_482_800))

                let missing = try await client.send(.post, "/api/v1/showings", json: ["notes": "?"], key: key)
                #expect(try Set(missing.error.error.fields?.map(\.field) ?? []) == ["clientId", "listingId"])
                let foreign = try await client.send(
                    .post, "/api/v1/showings",
                    json: ["clientId": clientID.rawValue, "listingId": theirListing.rawValue], key: key
                )
                #expect(foreign.status == .badRequest)
                #expect(try foreign.error.error.fields?.map(\.field) == ["listingId"])

                let confirmed = try await client.send(
                    .patch, "/api/v1/showings/\(id)", json: ["status": "confirmed"], key: key)
                #expect(try confirmed.decode(ShowingsAPI.ShowingBody.self).status == .confirmed)
                let moved = try await client.send(
                    .patch, "/api/v1/showings/\(id)", json: ["listingId": theirListing.rawValue], key: key)
                #expect(moved.status == .badRequest)
                #expect(
                    try await client.send(.patch, "/api/v1/showings/\(id)", json: ["status": "maybe"], key: key).status
                        == .badRequest)

                func count(_ query: String) async throws -> Int {
                    try await client.get("/api/v1/showings\(query)", key: key).decode(ShowingsAPI.ShowingList.self)
                        .total
                }
                #expect(try await count("?clientId=\(clientID)") == 1)
                #expect(try await count("?listingId=\(listingID)&status=confirmed") == 1)
                #expect(try await count("?status=cancelled") == 0)
                #expect(try await client.get("/api/v1/showings?when=today", key: key).status == .badRequest)
                #expect(try await client.get("/api/v1/showings/\(id)", key: other).status == .notFound)

                let events = try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id).map(
                    \.type)
                #expect(events == [.clientCreated, .listingCreated, .showingRequested])
            }
        }
    }
}
