import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// Notes on leads and clients, and each record's timeline of notes and events (issue 10).
@Suite struct NotesAndTimelineTests {
    private static func timeline(_ client: some TestClientProtocol, _ path: String, key: String) async throws
        -> [[String: Any]]
    {
        let answer = try await client.get("\(path)/timeline", key: key)
        #expect(answer.status == .ok, "\(path)")
        return try answer.json["timeline"] as? [[String: Any]] ?? []
    }

    @Test(arguments: TestDatabase.available)
    func aLeadsTimelineHoldsItsNotesAndEventsNewestFirstAndFollowsItIntoItsClient(on database: TestDatabase)
        async throws
    {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            let other = try await seed.apiKey()
            try await app.test(.router) { client in
                let lead = try await client.create(
                    "/api/v1/leads", ["name": "Ada", "email": "ada@example.com"], idKey: "leadId", key: key)
                try await Task.sleep(for: .milliseconds(3))
                let note = try await client.send(
                    .post, "/api/v1/leads/\(lead)/notes", json: ["text": "  Called; voicemail.  "], key: key)
                #expect(note.status == .created)
                let noteID = try #require(try note.json["noteId"] as? String)
                try await Task.sleep(for: .milliseconds(3))  // a timeline is ordered to the millisecond
                _ = try await client.send(.patch, "/api/v1/leads/\(lead)", json: ["status": "contacted"], key: key)
                try await Task.sleep(for: .milliseconds(3))
                let converted = try await client.send(.post, "/api/v1/leads/\(lead)/convert", json: [:], key: key)
                let clientID = try #require(try converted.json["clientId"] as? String)

                let entries = try await Self.timeline(client, "/api/v1/leads/\(lead)", key: key)
                #expect(
                    entries.map { ($0["kind"] as? String == "note" ? "note" : $0["type"] as? String) ?? "?" } == [
                        "lead.status_changed", "lead.status_changed", "note", "lead.created",
                    ])
                #expect(
                    entries.contains { $0["id"] as? String == noteID && $0["text"] as? String == "Called; voicemail." })
                let created = try #require(entries.last?["data"] as? [String: Any])
                #expect(created["id"] as? String == lead && created["name"] as? String == "Ada")

                // the conversion names the client, so the client's timeline has it beside its own creation
                let clientEntries = try await Self.timeline(client, "/api/v1/clients/\(clientID)", key: key)
                #expect(
                    Set(clientEntries.compactMap { $0["type"] as? String }) == [
                        "client.created", "lead.status_changed",
                    ])
                let clientNote = try await client.send(
                    .post, "/api/v1/clients/\(clientID)/notes", json: ["text": "Pre-approved to 800k."], key: key)
                #expect(clientNote.status == .created)
                let notes = try await client.get("/api/v1/clients/\(clientID)/notes", key: key).json
                #expect(notes["total"] as? Int == 1)

                // paging and totals
                let page = try await client.get("/api/v1/leads/\(lead)/timeline?limit=2&offset=1", key: key).json
                #expect(page["total"] as? Int == 4 && (page["timeline"] as? [Any])?.count == 2)
                #expect(
                    try await client.get("/api/v1/leads/\(lead)/timeline?offset=10001", key: key).status == .badRequest)

                // another workspace sees no such lead; bad notes are refused and write nothing
                #expect(try await client.get("/api/v1/leads/\(lead)/timeline", key: other).status == .notFound)
                #expect(
                    try await client.send(.post, "/api/v1/leads/\(lead)/notes", json: ["text": "x"], key: other).status
                        == .notFound)
                for bad: [String: Any] in [
                    [:], ["text": "   "], ["text": NSNull()], ["text": 5], ["text": "a\u{0}b"],
                    ["text": String(repeating: "a", count: 5001)], ["text": "ok", "author": "me"],
                ] {
                    let refused = try await client.send(.post, "/api/v1/leads/\(lead)/notes", json: bad, key: key)
                    #expect(refused.status == .badRequest, "\(bad)")
                }
                #expect(try await client.get("/api/v1/leads/\(lead)/notes", key: key).json["total"] as? Int == 1)
                #expect(
                    try await client.send(.post, "/api/v1/leads/lead_nope/notes", json: ["text": "x"], key: key).status
                        == .notFound)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aShowingRequestIsOnItsClientsTimelineAndARetriedNoteIsWrittenOnce(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let clientID = try await client.create(
                    "/api/v1/clients", ["name": "Bo", "email": "bo@example.com"], idKey: "clientId", key: key)
                let listing = try await client.create(
                    "/api/v1/listings", ["address": "1 Main St", "price": 1], idKey: "listingId", key: key)
                _ = try await client.create(
                    "/api/v1/showings", ["clientId": clientID, "listingId": listing], idKey: "showingId", key: key)
                let types = try await Self.timeline(client, "/api/v1/clients/\(clientID)", key: key).compactMap {
                    $0["type"] as? String
                }
                #expect(types == ["showing.requested", "client.created"])

                var headers = HTTPFields()
                headers[HTTPField.Name("Idempotency-Key")!] = "note-retry-1"
                for _ in 0..<3 {
                    let answer = try await client.send(
                        .post, "/api/v1/clients/\(clientID)/notes", json: ["text": "Once."], key: key, headers: headers)
                    #expect(answer.status == .created)
                }
                #expect(try await client.get("/api/v1/clients/\(clientID)/notes", key: key).json["total"] as? Int == 1)
            }
        }
    }
}
