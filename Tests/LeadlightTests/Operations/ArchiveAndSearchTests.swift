import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// Leads, clients, listings and showings are archived, not deleted: the record stays readable by id, lists
/// leave it out unless `archived=true`, and it can be brought back. `q` finds leads and clients by name, email
/// or phone digits (issue 10).
@Suite struct ArchiveAndSearchTests {
    /// (list path, the id key a create answers, a body that creates one)
    private static func records(
        _ client: some TestClientProtocol, key: String
    ) async throws -> [(path: String, id: String)] {
        let clientID = try await client.create(
            "/api/v1/clients", ["name": "Ada Buyer", "email": "ada.buyer@example.com"], idKey: "clientId", key: key)
        let listingID = try await client.create(
            "/api/v1/listings", ["address": "1 Archive Way", "price": 100_000], idKey: "listingId", key: key)
        let leadID = try await client.create("/api/v1/leads", ["name": "Bo Lead"], idKey: "leadId", key: key)
        let showingID = try await client.create(
            "/api/v1/showings", ["clientId": clientID, "listingId": listingID], idKey: "showingId", key: key)
        return [
            ("/api/v1/leads", leadID), ("/api/v1/clients", clientID), ("/api/v1/listings", listingID),
            ("/api/v1/showings", showingID),
        ]
    }

    private static func listedIDs(_ client: some TestClientProtocol, _ uri: String, key: String) async throws
        -> [String]
    {
        let answer = try await client.get(uri, key: key)
        #expect(answer.status == .ok, "\(uri)")
        let name = String(uri.split(separator: "/").last!.split(separator: "?").first!)
        return (try answer.json[name] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test(arguments: TestDatabase.available)
    func anArchivedRecordLeavesTheListsAndComesBack(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            let other = try await seed.apiKey()
            try await app.test(.router) { client in
                let records = try await Self.records(client, key: key)
                let eventsBefore = try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id)
                for (path, id) in records {
                    let archived = try await client.send(.post, "\(path)/\(id)/archive", json: [:], key: key)
                    #expect(archived.status == .ok, "\(path)")
                    let archivedAt = try #require(try archived.json["archivedAt"] as? String, "\(path)")
                    #expect(try await !Self.listedIDs(client, path, key: key).contains(id), "\(path)")
                    #expect(try await Self.listedIDs(client, "\(path)?archived=true", key: key) == [id], "\(path)")
                    // still readable by id, and archiving again changes nothing
                    #expect(try await client.get("\(path)/\(id)", key: key).json["archivedAt"] as? String == archivedAt)
                    let again = try await client.send(.post, "\(path)/\(id)/archive", json: [:], key: key)
                    #expect(try again.json["archivedAt"] as? String == archivedAt, "\(path)")
                    // a read body sent back is accepted: archivedAt is read-only
                    let body = try await client.get("\(path)/\(id)", key: key).json
                    #expect(
                        try await client.send(.patch, "\(path)/\(id)", json: body, key: key).status == .ok, "\(path)")
                    // another workspace cannot archive or restore it
                    #expect(
                        try await client.send(.post, "\(path)/\(id)/restore", json: [:], key: other).status == .notFound
                    )

                    let restored = try await client.send(.post, "\(path)/\(id)/restore", json: [:], key: key)
                    let restoredAt = try restored.json["archivedAt"]
                    #expect(restored.status == .ok && restoredAt is NSNull, "\(path)")
                    #expect(try await Self.listedIDs(client, path, key: key).contains(id), "\(path)")
                    #expect(try await Self.listedIDs(client, "\(path)?archived=true", key: key).isEmpty, "\(path)")
                    #expect(
                        try await client.send(.post, "\(path)/nope/archive", json: [:], key: key).status == .notFound)
                    #expect(try await client.get("\(path)?archived=maybe", key: key).status == .badRequest)
                }
                // housekeeping, not news: no event
                let eventsAfter = try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id)
                #expect(eventsAfter.count == eventsBefore.count)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func qFindsLeadsAndClientsByNameEmailOrPhoneDigits(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                for (path, idKey) in [("/api/v1/leads", "leadId"), ("/api/v1/clients", "clientId")] {
                    let ada = try await client.create(
                        path, ["name": "Ada Lovelace", "email": "ada@analytical.example", "phone": "(555) 010-0100"],
                        idKey: idKey, key: key)
                    let bo = try await client.create(
                        path, ["name": "Bo 100% Sure_", "email": "bo@example.com", "phone": "+1 777 123 4567"],
                        idKey: idKey, key: key)
                    func found(_ q: String) async throws -> Set<String> {
                        let escaped = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                        return Set(try await Self.listedIDs(client, "\(path)?q=\(escaped)", key: key))
                    }
                    #expect(try await found("ADA") == [ada], "\(path): the name, any letter case")
                    #expect(try await found("analytical") == [ada], "\(path): the email")
                    #expect(try await found("555 0100") == [ada], "\(path): the phone's digits, however typed")
                    #expect(try await found("123-4567") == [bo])
                    #expect(try await found("example") == [ada, bo])
                    #expect(try await found("% sure") == [bo], "\(path): % is a character, not a wildcard")
                    #expect(try await found("_") == [bo], "\(path): so is _")
                    #expect(try await found("nobody") == [])
                    let total = try await client.get("\(path)?q=lovelace", key: key).json["total"] as? Int
                    #expect(total == 1)
                    for bad in ["%20%20", String(repeating: "a", count: 101), "a%00b"] {
                        #expect(try await client.get("\(path)?q=\(bad)", key: key).status == .badRequest, "\(bad)")
                    }
                }
            }
        }
    }
}
