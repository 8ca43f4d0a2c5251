import Foundation
import SQLKit
import Testing

@testable import Leadlight

/// Recording an event queues one delivery to each enabled endpoint of the workspace subscribed to its type, chosen
/// by the database in the event's transaction, and to no other.
@Suite struct WebhookQueueTests {
    @Test(arguments: TestDatabase.available)
    func anEventIsQueuedForExactlyTheEnabledSubscribersOfItsWorkspace(on kind: TestDatabase) async throws {
        try await withTestApp(kind) { _, seed in
            let workspace = try await seed.workspace().workspace.id
            let stranger = try await seed.workspace().workspace.id
            let now = Date()
            func endpoint(
                _ events: WebhookEventSelection, enabled: Bool = true, in owner: Workspace.ID
            ) async throws -> WebhookEndpoint.ID {
                let endpoint = WebhookEndpoint(
                    id: .generate(), workspaceID: owner, url: "http://127.0.0.1:9/hook", events: events,
                    description: nil, secret: .generate(), enabled: enabled, disabledReason: nil, failingSince: nil,
                    createdAt: now, updatedAt: now)
                try await WebhookEndpointStore(database: seed.database.sql).insert(endpoint)
                return endpoint.id
            }
            let everything = try await endpoint(.all, in: workspace)
            let statusChanges = try await endpoint(.only([.leadStatusChanged]), in: workspace)
            let clientsAndShowings = try await endpoint(.only([.clientCreated, .showingRequested]), in: workspace)
            _ = try await endpoint(.all, enabled: false, in: workspace)
            _ = try await endpoint(.all, in: stranger)

            func queued(for type: EventType) async throws -> [WebhookEndpoint.ID: String] {
                let event = try await seed.database.transaction { tx in
                    try await Outbox(database: tx).record(type, ["id": "x"], in: workspace, at: now)
                }
                let rows = try await seed.database.sql.raw(
                    "SELECT id, endpoint_id FROM webhook_deliveries WHERE event_id = \(bind: event.id.rawValue)"
                ).all()
                var byEndpoint: [WebhookEndpoint.ID: String] = [:]
                for row in rows {
                    byEndpoint[.init(rawValue: try row.decode(column: "endpoint_id", as: String.self))] =
                        try row.decode(column: "id", as: String.self)
                }
                return byEndpoint
            }

            let expected: [EventType: Set<WebhookEndpoint.ID>] = [
                .leadCreated: [everything],
                .leadStatusChanged: [everything, statusChanges],
                .clientCreated: [everything, clientsAndShowings],
                .clientStageChanged: [everything],
                .listingCreated: [everything],
                .listingStatusChanged: [everything],
                .showingRequested: [everything, clientsAndShowings],
            ]
            var ids: Set<String> = []
            for type in EventType.catalogue {
                let deliveries = try await queued(for: type)
                #expect(Set(deliveries.keys) == expected[type], "\(type.rawValue)")
                for id in deliveries.values {
                    #expect(id.hasPrefix("dlv_") && id.count <= 64)
                    ids.insert(id)
                }
            }
            #expect(ids.count == expected.values.map(\.count).reduce(0, +), "every delivery id is new")
            #expect(try await queued(for: .webhookTest).isEmpty, "a test event goes to one endpoint, by hand")
        }
    }
}
