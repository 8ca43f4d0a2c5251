import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing

@testable import Leadlight

/// `POST /api/v1/leads/import` and `/clients/import`: contact lists from another CRM, each person found by email
/// (then phone) and never made twice, with the API's events (issue 12).
@Suite struct ContactImportTests {
    @Test(arguments: TestDatabase.available)
    func aLeadListFindsItsPeopleByEmailThenPhoneAndImportingItAgainChangesNothing(on database: TestDatabase)
        async throws
    {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            let id = workspace.workspace.id
            try await app.test(.router) { client in
                // already in: one by email, one by phone alone
                _ = try await client.send(
                    .post, "/api/v1/leads", json: ["name": "Ann Lee", "email": "ann@example.com"], key: key)
                _ = try await client.send(
                    .post, "/api/v1/leads", json: ["name": "Bo", "phone": "+1 555 0101"], key: key)
                let list =
                    "Full Name,Email Address,Mobile,Lead Status,Notes\n"
                    + "Ann Lee,ANN@example.com,,contacted,Met at the open house\n"  // 2: Ann, found by email
                    + "Bo Diaz,bo@example.com,+1 (555) 0101,,\n"  // 3: Bo, found by phone: gets his email
                    + "Cy Moss,cy@example.com,,,\n"  // 4: new
                    + "Di Park,,+44 20 7946 0000,,\n"  // 5: new, phone only
                    + "Cy Again,CY@example.com,,,\n"  // 6: Cy's email again: fails
                    + ",nobody@example.com,,,\n"  // 7: no name for a new lead: fails
                    + "Ed,not-an-email,,,\n"  // 8: fails
                let first = try await client.importLeads(list, key: key)
                #expect(first.status.code == 207)
                let result = try first.importResult
                #expect(result.summary.created == 2 && result.summary.updated == 2 && result.summary.failed == 3)
                #expect(result.failures.map(\.line) == [6, 7, 8])
                #expect(result.failures.map { $0.errors.map(\.field) } == [["email"], ["name"], ["email"]])
                #expect(result.failures[0].errors.first?.message == "appears earlier in this file, on line 4")

                let leads = try await client.send(.get, "/api/v1/leads?limit=50", body: Data(), key: key)
                let stored = try leads.decode(LeadsAPI.LeadList.self).leads
                #expect(stored.count == 4)
                let ann = try #require(stored.first { $0.email == "ann@example.com" })
                #expect(ann.status == .contacted && ann.notes == "Met at the open house")
                #expect(stored.first { $0.email == "bo@example.com" }?.name == "Bo Diaz")
                #expect(Set(stored.map(\.name)).isSuperset(of: ["Cy Moss", "Di Park"]))
                #expect(try await Self.events(seed, id, "lead.created") == 4)
                #expect(try await Self.events(seed, id, "lead.status_changed") == 1)

                let again = try await client.importLeads(list, key: key).importResult
                #expect(again.summary.unchanged == 4 && again.summary.created == 0 && again.summary.updated == 0)
                #expect(try await Self.events(seed, id, "lead.created") == 4)
                #expect(try await Self.events(seed, id, "lead.status_changed") == 1)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aClientListNeedsANameAndAnEmailAndAnnouncesEachNewStage(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            let id = workspace.workspace.id
            try await app.test(.router) { client in
                let list =
                    "name;email;stage;phone\n"
                    + "Ann Lee;ann@example.com;Touring;\n"
                    + "Bo Diaz;;New;+1 555 0101\n"  // no email: cannot be a new client
                    + "Cy Moss;cy@example.com;somewhere;\n"  // not a stage
                let first = try await client.importClients(list, key: key)
                let result = try first.importResult
                #expect(result.summary.created == 1 && result.summary.failed == 2)
                #expect(result.failures.map { $0.errors.map(\.field) } == [["email"], ["buyingStage"]])
                #expect(try await Self.events(seed, id, "client.created") == 1)

                let moved = try await client.importClients("email,Buying Stage\nANN@example.com,Offer\n", key: key)
                #expect(try moved.importResult.summary.updated == 1)
                #expect(try await Self.events(seed, id, "client.stage_changed") == 1)
                let again = try await client.importClients("email,Buying Stage\nann@example.com,offer\n", key: key)
                #expect(try again.importResult.summary.unchanged == 1)
                #expect(try await Self.events(seed, id, "client.stage_changed") == 1)
                let clients = try await client.send(.get, "/api/v1/clients", body: Data(), key: key)
                let stored = try clients.decode(ClientsAPI.ClientList.self).clients
                #expect(stored.map(\.email) == ["ann@example.com"] && stored.first?.buyingStage == .offer)
            }
        }
    }

    /// Two imports of one list into one workspace at once: both complete, and no one is made twice.
    @Test(arguments: TestDatabase.available)
    func twoImportsOfOneListAtOnceMakeEachPersonOnce(on database: TestDatabase) async throws {
        try await withTestApp(database, configure: { $0.rateLimitPerMinute = 1_000 }) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            var list = "name,email\n"
            for row in 0..<1_500 { list += "Person \(row),person\(row)@example.com\n" }
            let body = list
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let results = try await withThrowingTaskGroup(of: ImportsAPI.ImportResult.self) { group in
                    for path in ["leads", "leads", "clients", "clients"] {
                        group.addTask { try await importOverItsOwnConnection(body, port: port, path: path, key: key) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.allSatisfy { $0.import.status == .completed && $0.summary.failed == 0 })
                #expect(results.map(\.summary.created).reduce(0, +) == 3_000)
                let counts = try await seed.database.sql.raw(
                    """
                    SELECT (SELECT count(*) FROM leads WHERE workspace_id = \(bind: workspace.workspace.id.rawValue)) AS leads,
                    (SELECT count(*) FROM clients WHERE workspace_id = \(bind: workspace.workspace.id.rawValue)) AS clients
                    """
                ).first()
                #expect(try counts?.decode(column: "leads", as: Int.self) == 1_500)
                #expect(try counts?.decode(column: "clients", as: Int.self) == 1_500)
            }
        }
    }

    private static func events(_ seed: TestSeed, _ workspace: Workspace.ID, _ type: String) async throws -> Int {
        try await seed.database.sql.raw(
            "SELECT count(*) AS n FROM events WHERE workspace_id = \(bind: workspace.rawValue) AND type = \(bind: type)"
        ).first()?.decode(column: "n", as: Int.self) ?? -1
    }
}

extension TestClientProtocol {
    func importLeads(_ file: String, key: String, query: String = "") async throws -> TestResponse {
        try await self.send(
            .post, "/api/v1/leads/import" + (query.isEmpty ? "" : "?" + query), body: Data(file.utf8), key: key,
            contentType: "text/csv")
    }

    func importClients(_ file: String, key: String, query: String = "") async throws -> TestResponse {
        try await self.send(
            .post, "/api/v1/clients/import" + (query.isEmpty ? "" : "?" + query), body: Data(file.utf8), key: key,
            contentType: "text/csv")
    }
}
