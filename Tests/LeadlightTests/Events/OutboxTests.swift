import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import Leadlight

/// Every event type is written with its change, in one transaction: the change and exactly one event appear
/// together, and a failure injected between the two writes (a trigger refusing the event row) leaves neither.
@Suite struct OutboxTests {
    /// The resources a change needs, made before it.
    struct Fixture: Sendable {
        var key: String
        var leadID: String
        var clientID: String
        var listingID: String
    }

    /// One change per event type: the request, and the rows it must leave when it succeeds.
    static let changes:
        [(EventType, HTTPRequest.Method, @Sendable (Fixture) -> String, String, (table: String, delta: Int))] = [
            (.leadCreated, .post, { _ in "/api/v1/leads" }, #"{"name": "New lead"}"#, ("leads", 1)),
            (.leadStatusChanged, .patch, { "/api/v1/leads/\($0.leadID)" }, #"{"status": "contacted"}"#, ("leads", 0)),
            (
                .clientCreated, .post, { _ in "/api/v1/clients" }, #"{"name": "New", "email": "new@example.com"}"#,
                ("clients", 1)
            ),
            (
                .clientStageChanged, .patch, { "/api/v1/clients/\($0.clientID)" }, #"{"buyingStage": "Touring"}"#,
                ("clients", 0)
            ),
            (
                .listingCreated, .post, { _ in "/api/v1/listings" }, #"{"address": "9 New St", "price": 1}"#,
                ("listings", 1)
            ),
            (
                .listingStatusChanged, .patch, { "/api/v1/listings/\($0.listingID)" }, #"{"status": "pending"}"#,
                ("listings", 0)
            ),
            (.showingRequested, .post, { _ in "/api/v1/showings" }, "SHOWING", ("showings", 1)),
        ]

    @Test func everyEventTypeHasAChangeHere() {
        #expect(Set(Self.changes.map(\.0)) == Set(EventType.catalogue))
    }

    @Test(arguments: TestDatabase.available, [false, true])
    func eachChangeAndItsOneEventAppearTogetherOrNotAtAll(on database: TestDatabase, failing: Bool) async throws {
        let clock = ManualClock()
        try await withTestApp(database, configure: { $0.clock = clock.wallClock }) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                func id(_ response: TestResponse, _ field: String) throws -> String {
                    try #require(try response.json[field] as? String)
                }
                let fixture = Fixture(
                    key: key,
                    leadID: try id(
                        try await client.send(.post, "/api/v1/leads", json: ["name": "L"], key: key), "leadId"),
                    clientID: try id(
                        try await client.send(
                            .post, "/api/v1/clients", json: ["name": "C", "email": "c@example.com"], key: key),
                        "clientId"
                    ),
                    listingID: try id(
                        try await client.send(
                            .post, "/api/v1/listings", json: ["address": "1 A St", "price": 5], key: key),
                        "listingId"
                    )
                )
                if failing { try await Self.refuseEvents(on: seed.database, dialect: database) }
                for (type, method, path, body, rows) in Self.changes {
                    clock.advance(by: 1)
                    let before = try await Self.snapshot(seed.database, workspace.workspace.id, rows.table)
                    let json =
                        body == "SHOWING"
                        ? #"{"clientId": "\#(fixture.clientID)", "listingId": "\#(fixture.listingID)"}"# : body
                    let response = try await client.send(method, path(fixture), body: Data(json.utf8), key: key)
                    let after = try await Self.snapshot(seed.database, workspace.workspace.id, rows.table)
                    if failing {
                        #expect(response.status == .internalServerError, "\(type)")
                        #expect(after == before, "\(type): nothing changed")
                    } else {
                        #expect(response.status.code < 300, "\(type): \(String(buffer: response.body))")
                        #expect(after.rows == before.rows + rows.delta, "\(type)")
                        #expect(
                            after.rows + after.updates != before.rows + before.updates, "\(type): the change is there")
                        #expect(after.events.count == before.events.count + 1, "\(type): exactly one event")
                        #expect(after.events.last == type, "\(type)")
                    }
                }
            }
        }
    }

    /// Rows in the table, how many were ever updated (updated_at after created_at), and the event types so far.
    struct Snapshot: Equatable {
        var rows: Int
        var updates: Int
        var events: [EventType]
    }

    static func snapshot(_ database: LeadlightDatabase, _ workspace: Workspace.ID, _ table: String) async throws
        -> Snapshot
    {
        let rows = try await database.sql.select().column("created_at").column("updated_at").from(table)
            .where("workspace_id", .equal, workspace.rawValue).all()
        let updates = try rows.filter {
            try $0.decode(column: "updated_at", as: Int64.self) != $0.decode(column: "created_at", as: Int64.self)
        }.count
        let events = try await Outbox(database: database.sql).events(in: workspace).map(\.type)
        return Snapshot(rows: rows.count, updates: updates, events: events)
    }

    static func refuseEvents(on database: LeadlightDatabase, dialect: TestDatabase) async throws {
        try await database.transaction { tx in
            switch dialect {
            case .sqlite:
                try await tx.raw(
                    "CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
                ).run()
            case .postgres:
                try await tx.raw(
                    """
                    CREATE FUNCTION refuse_events() RETURNS trigger AS $$
                    BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql
                    """
                ).run()
                try await tx.raw(
                    "CREATE TRIGGER refuse_events BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_events()"
                ).run()
            }
        }
    }
}
