import Foundation
import SQLKit

/// Every query that touches `showings`.
package struct ShowingStore: ArchivableStore {
    static let resource = "showing"

    let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    func insert(_ showing: Showing) async throws {
        try await self.database.insert(into: "showings")
            .columns(
                "id", "workspace_id", "client_id", "listing_id", "preferred_time", "notes", "status", "created_at",
                "updated_at"
            )
            .values(
                SQLBind(showing.id.rawValue), SQLBind(showing.workspaceID.rawValue), SQLBind(showing.clientID.rawValue),
                SQLBind(showing.listingID.rawValue),
                SQLBind.orNull(showing.preferredTime?.millisecondsSince1970),
                SQLBind.orNull(showing.notes),
                SQLBind(showing.status.rawValue),
                SQLBind(showing.createdAt.millisecondsSince1970), SQLBind(showing.updatedAt.millisecondsSince1970)
            )
            .run()
    }

    func update(_ showing: Showing) async throws {
        try await self.database.update("showings")
            .set(
                "preferred_time",
                to: SQLBind.orNull(showing.preferredTime?.millisecondsSince1970)
            )
            .set("notes", to: SQLBind.orNull(showing.notes))
            .set("status", to: showing.status.rawValue)
            .set("updated_at", to: showing.updatedAt.millisecondsSince1970)
            .set("archived_at", to: SQLBind.orNull(showing.archivedAt?.millisecondsSince1970))
            .where("workspace_id", .equal, showing.workspaceID.rawValue)
            .where("id", .equal, showing.id.rawValue)
            .run()
    }

    package func find(_ id: Showing.ID, in workspace: Workspace.ID) async throws -> Showing? {
        try await self.database.select().column("*").from("showings")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("id", .equal, id.rawValue)
            .first()
            .map(Showing.init(row:))
    }

    /// One page, newest first, and how many match in all.
    func list(_ query: ShowingQuery, in workspace: Workspace.ID) async throws -> (showings: [Showing], total: Int) {
        var conditions: SQLQueryString =
            "workspace_id = \(bind: workspace.rawValue) AND \(SQLQueryString.archived(query.archived))"
        if let client = query.clientID { conditions += " AND client_id = \(bind: client.rawValue)" }
        if let listing = query.listingID { conditions += " AND listing_id = \(bind: listing.rawValue)" }
        if let status = query.status { conditions += " AND status = \(bind: status.rawValue)" }
        return try await self.database.newestFirstPage(
            from: "showings", where: conditions, limit: query.limit, offset: query.offset,
            counted: query.clientID == nil && query.listingID == nil
                ? .init(
                    record: .showings, workspace: workspace, archived: query.archived, state: query.status?.rawValue)
                : nil,
            decode: Showing.init(row:)
        )
    }
}

extension Showing {
    init(row: any SQLRow) throws {
        self.init(
            id: ID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: Workspace.ID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            clientID: Client.ID(rawValue: try row.decode(column: "client_id", as: String.self)),
            listingID: Listing.ID(rawValue: try row.decode(column: "listing_id", as: String.self)),
            preferredTime: try row.decodeIfPresent(column: "preferred_time", as: Int64.self)
                .map(Date.init(millisecondsSince1970:)),
            notes: try row.decodeIfPresent(column: "notes", as: String.self),
            status: try row.decode(rawValueOf: "status", as: ShowingStatus.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)),
            archivedAt: try row.decodeIfPresent(column: "archived_at", as: Int64.self).map(
                Date.init(millisecondsSince1970:))
        )
    }
}
