import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing

@testable import Leadlight

/// `/api/v1/leads` as seeds/001 documents it, with validation, the outbox and safe retries (issue 4).
@Suite struct LeadsTests {
    @Test(arguments: TestDatabase.available)
    func theDocumentedExamplesWorkAsWritten(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let key = try await seed.apiKey()
            try await app.test(.router) { client in
                let documented: [String: Any] = [
                    "name": "John Smith", "email": "john@example.com", "phone": "(555) 123-4567", "source": "zillow",
                    "propertyAddress": "123 Main St, Miami, FL", "notes": "Interested in 3BR homes",
                ]
                let created = try await client.send(.post, "/api/v1/leads", json: documented, key: key)
                #expect(created.status == .created)
                #expect(Set(try created.json.keys) == ["success", "leadId"])
                #expect(try created.json["success"] as? Bool == true)
                let leadID = try #require(try created.json["leadId"] as? String)

                // the curl example, with X-API-Key
                let curl = try await client.send(
                    .post, "/api/v1/leads",
                    body: Data(#"{"name": "Jane Doe", "email": "jane@example.com", "phone": "555-0100"}"#.utf8),
                    key: nil, headers: [.apiKey: key]
                )
                #expect(curl.status == .created)

                let list = try await client.get(
                    "/api/v1/leads?status=new&limit=50&offset=0", key: nil, headers: [.apiKey: key])
                #expect(list.status == .ok)
                let json = try list.json
                #expect(json["total"] as? Int == 2)
                let leads = try #require(json["leads"] as? [[String: Any]])
                #expect(leads.map { $0["name"] as? String } == ["Jane Doe", "John Smith"])  // newest first
                let john = try #require(leads.last)
                #expect(john["id"] as? String == leadID)
                #expect(john["email"] as? String == "john@example.com")
                #expect(john["status"] as? String == "new")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func badInputIsRefusedNamingEveryFieldAndStoresNothing(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let cases: [([String: Any], [String])] = [
                    (["email": "a@example.com"], ["name"]),
                    (["name": "  "], ["name"]),
                    (["name": "A", "email": "not-an-email", "phone": "call me"], ["email", "phone"]),
                    (["name": "A", "status": "hot"], ["status"]),
                    (["name": 7], ["name"]),
                    (["name": "A", "budget": 500000], ["budget"]),
                    (["name": "A", "notes": String(repeating: "n", count: 5001)], ["notes"]),
                ]
                for (body, fields) in cases {
                    let response = try await client.send(.post, "/api/v1/leads", json: body, key: key)
                    #expect(response.status == .badRequest, "\(body)")
                    #expect(try Set(response.error.error.fields?.map(\.field) ?? []) == Set(fields), "\(body)")
                }
                let list = try await client.get("/api/v1/leads", key: key).decode(LeadsAPI.LeadList.self)
                #expect(list.total == 0)
                #expect(try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id).isEmpty)
                for query in ["?status=hot", "?limit=500", "?sort=name", "?offset=-1"] {
                    #expect(try await client.get("/api/v1/leads\(query)", key: key).status == .badRequest, "\(query)")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func leadsAreReadAndUpdatedAndEachChangeIsRecordedOnce(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let body: [String: Any] = ["name": "Ada", "email": "  Ada@Example.COM ", "phone": "+1 (555) 010-0199"]
                let id = try await client.send(.post, "/api/v1/leads", json: body, key: key).decode(
                    LeadsAPI.Created.self
                ).leadId
                let lead = try await client.get("/api/v1/leads/\(id)", key: key).decode(LeadsAPI.LeadBody.self)
                #expect(lead.email == "ada@example.com" && lead.phone == "+1 (555) 010-0199" && lead.status == .new)
                let stored = try await LeadStore(database: seed.database.sql).find(id, in: workspace.workspace.id)
                #expect(stored?.phone?.digits == "15550100199")

                let contacted = try await client.send(
                    .patch, "/api/v1/leads/\(id)", json: ["status": "contacted", "notes": "Called"], key: key
                )
                #expect(contacted.status == .ok)
                #expect(try contacted.decode(LeadsAPI.LeadBody.self).status == .contacted)
                let notesOnly = try await client.send(
                    .patch, "/api/v1/leads/\(id)", json: ["notes": NSNull()], key: key)
                #expect(try notesOnly.decode(LeadsAPI.LeadBody.self).notes == nil)

                let events = try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id)
                #expect(events.map(\.type) == [.leadCreated, .leadStatusChanged])
                let created = try JSONSerialization.jsonObject(with: Data(events[0].data.utf8)) as? [String: Any]
                #expect(created?["id"] as? String == id.rawValue && created?["email"] as? String == "ada@example.com")
                let changed = try JSONSerialization.jsonObject(with: Data(events[1].data.utf8)) as? [String: Any]
                #expect(changed?["status"] as? String == "contacted" && changed?["previousStatus"] as? String == "new")
                #expect(Set(events.map(\.id)).count == 2)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anotherWorkspacesLeadsAreInvisible(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let mine = try await seed.apiKey()
            let theirs = try await seed.apiKey()
            try await app.test(.router) { client in
                let id = try await client.send(.post, "/api/v1/leads", json: ["name": "Theirs"], key: theirs)
                    .decode(LeadsAPI.Created.self).leadId
                #expect(try await client.get("/api/v1/leads/\(id)", key: mine).status == .notFound)
                #expect(
                    try await client.send(.patch, "/api/v1/leads/\(id)", json: ["status": "lost"], key: mine).status
                        == .notFound)
                #expect(try await client.get("/api/v1/leads", key: mine).decode(LeadsAPI.LeadList.self).total == 0)
                #expect(
                    try await client.get("/api/v1/leads/\(id)", key: theirs).decode(LeadsAPI.LeadBody.self).status
                        == .new)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aLeadConvertsIntoAClientOnce(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let lead = try await client.send(
                    .post, "/api/v1/leads",
                    json: ["name": "Ada", "email": "ada@example.com", "phone": "555-0100", "status": "qualified"],
                    key: key
                ).decode(LeadsAPI.Created.self).leadId
                let converted = try await client.execute(
                    uri: "/api/v1/leads/\(lead)/convert", method: .post, headers: .bearer(key))
                #expect(converted.status == .created)
                let answer = try converted.decode(LeadsAPI.Converted.self)
                #expect(answer.leadId == lead)

                let body = try await client.get("/api/v1/leads/\(lead)", key: key).decode(LeadsAPI.LeadBody.self)
                #expect(body.status == .converted && body.clientId == answer.clientId)
                let made = try await client.get("/api/v1/clients/\(answer.clientId)", key: key).decode(
                    ClientsAPI.ClientBody.self)
                #expect(
                    made.name == "Ada" && made.email == "ada@example.com" && made.phone == "555-0100"
                        && made.buyingStage == .new)

                let twice = try await client.execute(
                    uri: "/api/v1/leads/\(lead)/convert", method: .post, headers: .bearer(key))
                #expect(twice.status == .conflict)
                #expect(try twice.error.error.existingId == answer.clientId.rawValue)

                let noEmail = try await client.send(.post, "/api/v1/leads", json: ["name": "Bo"], key: key).decode(
                    LeadsAPI.Created.self
                ).leadId
                let refused = try await client.execute(
                    uri: "/api/v1/leads/\(noEmail)/convert", method: .post, headers: .bearer(key))
                #expect(refused.status == .conflict)
                #expect(try refused.error.error.code == "lead_has_no_email")

                let sameEmail = try await client.send(
                    .post, "/api/v1/leads", json: ["name": "Ada again", "email": "ADA@example.com"], key: key
                )
                .decode(LeadsAPI.Created.self).leadId
                let taken = try await client.execute(
                    uri: "/api/v1/leads/\(sameEmail)/convert", method: .post, headers: .bearer(key))
                #expect(taken.status == .conflict)
                #expect(try taken.error.error.existingId == answer.clientId.rawValue)

                #expect(
                    try await client.execute(
                        uri: "/api/v1/leads/lead_nope/convert", method: .post, headers: .bearer(key)
                    ).status == .notFound)
                let events = try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id).map(
                    \.type)
                #expect(events == [.leadCreated, .clientCreated, .leadStatusChanged, .leadCreated, .leadCreated])
            }
        }
    }

    /// A failure injected between the change and its event (a trigger refusing the event row) leaves neither.
    @Test(arguments: TestDatabase.available)
    func aFailureBetweenTheChangeAndItsEventLeavesNeither(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let id = try await client.send(.post, "/api/v1/leads", json: ["name": "Before"], key: key)
                    .decode(LeadsAPI.Created.self).leadId
                try await OutboxTests.refuseEvents(on: seed.database, dialect: database)

                let create = try await client.send(.post, "/api/v1/leads", json: ["name": "Lost"], key: key)
                #expect(create.status == .internalServerError)
                let change = try await client.send(
                    .patch, "/api/v1/leads/\(id)", json: ["status": "qualified"], key: key)
                #expect(change.status == .internalServerError)

                let list = try await client.get("/api/v1/leads", key: key).decode(LeadsAPI.LeadList.self)
                #expect(list.leads.map(\.name) == ["Before"])
                #expect(list.leads.first?.status == .new)
                let events = try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id)
                #expect(events.map(\.type) == [.leadCreated])
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aCreateRetriedTenTimesAtOnceWithOneIdempotencyKeyStoresOneLead(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let body = Data(#"{"name": "Zapier Retry", "email": "retry@example.com"}"#.utf8)
                let answers = try await withThrowingTaskGroup(of: (UInt, String, Bool).self) { group in
                    for _ in 0..<10 {
                        group.addTask {
                            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/leads")
                            request.method = .POST
                            request.headers.add(name: "Authorization", value: "Bearer \(key)")
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.headers.add(name: "Idempotency-Key", value: "9d3c5f1e-retry")
                            request.body = .bytes(ByteBuffer(data: body))
                            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
                            return (
                                response.status.code, text,
                                response.headers.first(name: "Idempotent-Replayed") == "true"
                            )
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(answers.allSatisfy { $0.0 == 201 })
                let ids = try Set(
                    answers.map { try JSONDecoder().decode(LeadsAPI.Created.self, from: Data($0.1.utf8)).leadId })
                #expect(ids.count == 1)
                #expect(answers.filter { !$0.2 }.count == 1)  // one created, nine replayed
                let list = try await LeadStore(database: seed.database.sql).list(
                    try LeadQuery(validating: [:]), in: workspace.workspace.id)
                #expect(list.total == 1)
                #expect(try await Outbox(database: seed.database.sql).events(in: workspace.workspace.id).count == 1)
            }
            try await app.test(.router) { client in
                let other = try await client.send(
                    .post, "/api/v1/leads", json: ["name": "Someone else"], key: key,
                    headers: [HTTPField.Name("Idempotency-Key")!: "9d3c5f1e-retry"]
                )
                #expect(other.status == .conflict)
                #expect(try other.error.error.code == "idempotency_key_reused")
                let noKey1 = try await client.send(.post, "/api/v1/leads", json: ["name": "Twice"], key: key)
                let noKey2 = try await client.send(.post, "/api/v1/leads", json: ["name": "Twice"], key: key)
                #expect(try noKey1.decode(LeadsAPI.Created.self).leadId != noKey2.decode(LeadsAPI.Created.self).leadId)
            }
        }
    }
}

@Suite struct FastEncodingTests {
    /// The direct ISO 8601 formatter agrees with Foundation's calendar across centuries and leap days, and
    /// writes the stored millisecond exactly (Foundation's style truncates a binary fraction: .132 → .131).
    @Test func timestampsMatchFoundation() {
        var generator = SystemRandomNumberGenerator()
        var dates = [
            0, 951_782_400_000, 951_868_799_999, 1_795_470_577_132, 4_102_444_800_000, -86_400_001, 253_402_300_799_999,
        ]
        .map { Date(millisecondsSince1970: $0) }
        for _ in 0..<2000 {
            dates.append(
                Date(millisecondsSince1970: Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator))
            )
        }
        for date in dates {
            let milliseconds = date.millisecondsSince1970
            let wholeSecond = milliseconds - ((milliseconds % 1000) + 1000) % 1000
            let seconds = Date(timeIntervalSince1970: Double(wholeSecond / 1000))
                .formatted(Date.ISO8601FormatStyle(timeZone: .gmt))  // 2026-11-23T21:49:37Z
            let fraction = String(format: "%03lld", milliseconds - wholeSecond)
            #expect(LeadlightJSON.timestamp(date) == seconds.dropLast() + ".\(fraction)Z")
        }
    }

    /// The hand-written lead list says what JSONEncoder would, awkward strings and nulls included.
    @Test func leadListBytesAgreeWithJSONEncoder() throws {
        let lead = Lead(
            id: .generate(), workspaceID: .generate(), name: "Zoë \"Q\" \\ O'Brien\n🏠", email: nil,
            phone: PhoneNumber(text: "555-0100", digits: "5550100"), source: "web/form", propertyAddress: nil,
            notes: "line\u{2028}sep\u{07}", status: .contacted, clientID: nil,
            createdAt: Date(millisecondsSince1970: 1_795_470_577_132),
            updatedAt: Date(millisecondsSince1970: 1_795_470_577_999)
        )
        let list = LeadsAPI.LeadList(leads: [LeadsAPI.LeadBody(lead)], total: 7)
        let fast = try JSONSerialization.jsonObject(with: Data(buffer: list.jsonBytes())) as? NSDictionary
        let reference = try JSONSerialization.jsonObject(with: LeadlightJSON.encoder().encode(list)) as? NSDictionary
        #expect(fast == reference)
    }
}

/// A fuzz test, so on a thread of its own: it computes for seconds without awaiting.
@Suite(.onAThreadOfItsOwn) struct LeadEventJSONTests {
    /// A lead's event data, written directly, is byte for byte what `Outbox`'s sorted-keys encoder writes, for any
    /// text in any field (the stored event is what webhooks sign and send).
    @Test func leadEventJSONIsWhatTheOutboxEncoderWrites() throws {
        var input = FuzzInput(stream: "lead-event-json")
        for round in 0..<FuzzInput.iterations {
            var texts = (0..<6).map { _ in input.text(maxLength: 30) }
            if round % 7 == 0 { texts[0] = String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }) + "\"\\/" }
            let lead = Lead(
                id: .generate(), workspaceID: .generate(), name: texts[0], email: input.chance(0.3) ? nil : texts[1],
                phone: input.chance(0.3) ? nil : PhoneNumber(text: texts[2], digits: "5550100"),
                source: input.chance(0.3) ? nil : texts[3], propertyAddress: input.chance(0.3) ? nil : texts[4],
                notes: input.chance(0.3) ? nil : texts[5], status: input.pick(LeadStatus.allCases),
                clientID: input.chance(0.5) ? nil : .generate(),
                createdAt: Date(millisecondsSince1970: Int64(input.int(0...4_000_000_000_000))),
                updatedAt: Date(millisecondsSince1970: Int64(input.int(0...4_000_000_000_000))),
                archivedAt: input.chance(0.5)
                    ? nil : Date(millisecondsSince1970: Int64(input.int(0...4_000_000_000_000))))
            let body = LeadsAPI.LeadBody(lead)
            let reference = String(decoding: try Outbox.encoder.encode(body), as: UTF8.self)
            #expect(body.eventJSON() == reference)
        }
    }
}
