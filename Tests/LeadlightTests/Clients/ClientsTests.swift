import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// `/api/v1/clients` as seeds/001 documents it: required name and email, one client per email, the pipeline.
@Suite struct ClientsTests {
    @Test(arguments: TestDatabase.available)
    func theDocumentedExamplesWorkAsWritten(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let created = try await client.send(
                    .post, "/api/v1/clients",
                    json: ["name": "Jane Doe", "email": "jane@example.com", "phone": "(555) 987-6543"],
                    key: key
                )
                #expect(created.status == .created)
                #expect(Set(try created.json.keys) == ["success", "clientId"])
                let id = try #require(try created.json["clientId"] as? String)
                _ = try await client.send(.patch, "/api/v1/clients/\(id)", json: ["buyingStage": "Searching"], key: key)

                let list = try await client.get("/api/v1/clients", key: key)
                #expect(list.status == .ok)
                let clients = try #require(try list.json["clients"] as? [[String: Any]])
                #expect(clients.count == 1)
                #expect(clients[0]["id"] as? String == id)
                #expect(clients[0]["name"] as? String == "Jane Doe")
                #expect(clients[0]["email"] as? String == "jane@example.com")
                #expect(clients[0]["buyingStage"] as? String == "Searching")
                #expect(try list.json["total"] as? Int == 1)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func nameAndEmailAreRequiredAndAnEmailInUseIsA409NamingTheClient(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            let other = try await seed.apiKey()
            try await app.test(.router) { client in
                let missing = try await client.send(.post, "/api/v1/clients", json: ["phone": "555-0100"], key: key)
                #expect(missing.status == .badRequest)
                #expect(try Set(missing.error.error.fields?.map(\.field) ?? []) == ["name", "email"])
                let badStage = try await client.send(
                    .post, "/api/v1/clients", json: ["name": "A", "email": "a@example.com", "buyingStage": "Maybe"],
                    key: key
                )
                #expect(try badStage.error.error.fields?.map(\.field) == ["buyingStage"])

                let first = try await client.send(
                    .post, "/api/v1/clients", json: ["name": "Jane", "email": "jane@example.com"], key: key
                )
                .decode(ClientsAPI.Created.self).clientId
                let again = try await client.send(
                    .post, "/api/v1/clients", json: ["name": "Jane D.", "email": " JANE@example.com"], key: key
                )
                #expect(again.status == .conflict)
                #expect(try again.error.error.existingId == first.rawValue)
                #expect(try again.error.error.message.contains(first.rawValue))

                // another workspace may have a client with the same email
                #expect(
                    try await client.send(
                        .post, "/api/v1/clients", json: ["name": "Jane", "email": "jane@example.com"], key: other
                    ).status == .created)

                let second = try await client.send(
                    .post, "/api/v1/clients", json: ["name": "Bob", "email": "bob@example.com"], key: key
                )
                .decode(ClientsAPI.Created.self).clientId
                let clash = try await client.send(
                    .patch, "/api/v1/clients/\(second)", json: ["email": "jane@example.com"], key: key)
                #expect(clash.status == .conflict)
                #expect(try clash.error.error.existingId == first.rawValue)
                let list = try await client.get("/api/v1/clients", key: key).decode(ClientsAPI.ClientList.self)
                #expect(list.total == 2)
                #expect(
                    try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id).map(\.type) == [
                        .clientCreated, .clientCreated,
                    ])
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aStageChangeIsTimedAndRecordedWithThePreviousStage(on database: TestDatabase) async throws {
        let clock = ManualClock()
        try await withTestApp(database, configure: { $0.clock = clock.wallClock }) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let id = try await client.send(
                    .post, "/api/v1/clients", json: ["name": "Jane", "email": "jane@example.com"], key: key
                )
                .decode(ClientsAPI.Created.self).clientId
                clock.advance(by: 3600)
                let touring = try await client.send(
                    .patch, "/api/v1/clients/\(id)", json: ["buyingStage": "under contract"], key: key)
                #expect(touring.status == .ok)
                let body = try touring.decode(ClientsAPI.ClientBody.self)
                #expect(body.buyingStage == .underContract && body.stageChangedAt == clock.now)
                clock.advance(by: 60)
                let notes = try await client.send(
                    .patch, "/api/v1/clients/\(id)", json: ["notes": "Pre-approved"], key: key)
                #expect(try notes.decode(ClientsAPI.ClientBody.self).stageChangedAt == body.stageChangedAt)

                let events = try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id)
                #expect(events.map(\.type) == [.clientCreated, .clientStageChanged])
                let data = try JSONSerialization.jsonObject(with: Data(events[1].data.utf8)) as? [String: Any]
                #expect(
                    data?["buyingStage"] as? String == "Under Contract" && data?["previousStage"] as? String == "New")

                let filtered = try await client.get("/api/v1/clients?buyingStage=Under%20Contract", key: key)
                #expect(try filtered.decode(ClientsAPI.ClientList.self).total == 1)
                #expect(
                    try await client.get("/api/v1/clients?buyingStage=New", key: key).decode(ClientsAPI.ClientList.self)
                        .total == 0)
                #expect(try await client.get("/api/v1/clients?stage=New", key: key).status == .badRequest)
                #expect(try await client.get("/api/v1/clients?buyingStage=Pending", key: key).status == .badRequest)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anotherWorkspacesClientsAreInvisible(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let mine = try await seed.apiKey()
            let theirs = try await seed.apiKey()
            try await app.test(.router) { client in
                let id = try await client.send(
                    .post, "/api/v1/clients", json: ["name": "T", "email": "t@example.com"], key: theirs
                )
                .decode(ClientsAPI.Created.self).clientId
                #expect(try await client.get("/api/v1/clients/\(id)", key: mine).status == .notFound)
                #expect(
                    try await client.send(.patch, "/api/v1/clients/\(id)", json: ["buyingStage": "Lost"], key: mine)
                        .status == .notFound)
                #expect(
                    try await client.get("/api/v1/clients", key: mine).decode(ClientsAPI.ClientList.self).total == 0)
            }
        }
    }
}
