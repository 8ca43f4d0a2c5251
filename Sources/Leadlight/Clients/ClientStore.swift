import Foundation
import SQLKit

/// Every query that touches `clients`.
package struct ClientStore: ArchivableStore {
    static let resource = "client"

    let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    /// Thrown when the workspace already has a client with the email.
    package struct EmailTaken: Error, Equatable {
        package var existing: Client.ID
        package var email: String
    }

    /// Inserts the client, or throws `EmailTaken` naming the client that has the email already. (Another
    /// request inserting the same email between the check and the insert makes the unique index refuse it:
    /// callers run the transaction again, and the check then names that client.)
    func insert(_ client: Client) async throws {
        try await self.checkEmailIsFree(for: client)
        try await self.database.insert(into: "clients")
            .columns(
                "id", "workspace_id", "name", "email", "phone", "phone_digits", "notes", "buying_stage",
                "stage_changed_at", "created_at", "updated_at"
            )
            .values(Self.values(of: client))
            .run()
    }

    private func checkEmailIsFree(for client: Client) async throws {
        if let existing = try await self.find(email: client.email, in: client.workspaceID), existing.id != client.id {
            throw EmailTaken(existing: existing.id, email: client.email)
        }
    }

    func update(_ client: Client) async throws {
        try await self.checkEmailIsFree(for: client)
        try await self.database.update("clients")
            .set("name", to: client.name)
            .set("email", to: client.email)
            .set("phone", to: SQLBind.orNull(client.phone?.text))
            .set("phone_digits", to: SQLBind.orNull(client.phone?.digits))
            .set("notes", to: SQLBind.orNull(client.notes))
            .set("buying_stage", to: client.buyingStage.rawValue)
            .set("stage_changed_at", to: client.stageChangedAt.millisecondsSince1970)
            .set("updated_at", to: client.updatedAt.millisecondsSince1970)
            .set("archived_at", to: SQLBind.orNull(client.archivedAt?.millisecondsSince1970))
            .where("workspace_id", .equal, client.workspaceID.rawValue)
            .where("id", .equal, client.id.rawValue)
            .run()
    }

    package func find(_ id: Client.ID, in workspace: Workspace.ID) async throws -> Client? {
        try await self.database.select().column("*").from("clients")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("id", .equal, id.rawValue)
            .first()
            .map(Client.init(row:))
    }

    func find(email: String, in workspace: Workspace.ID) async throws -> Client? {
        try await self.database.select().column("*").from("clients")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("email", .equal, email)
            .first()
            .map(Client.init(row:))
    }

    /// One page, newest first, and how many match in all.
    /// The clients with this email or these phone digits (the same person as a lead, perhaps).
    func sharing(email: String?, phoneDigits: String?, in workspace: Workspace.ID, limit: Int = 10) async throws
        -> [Client]
    {
        guard email != nil || phoneDigits != nil else { return [] }
        return try await self.database.select().column("*").from("clients")
            .where("workspace_id", .equal, workspace.rawValue)
            .whereSameContact(email: email, phoneDigits: phoneDigits)
            .orderBy("created_at", .descending).limit(limit).all().map(Client.init(row:))
    }

    func list(_ query: ClientQuery, in workspace: Workspace.ID) async throws -> (clients: [Client], total: Int) {
        var conditions: SQLQueryString =
            "workspace_id = \(bind: workspace.rawValue) AND \(SQLQueryString.archived(query.archived))"
        if let stage = query.buyingStage { conditions += " AND buying_stage = \(bind: stage.rawValue)" }
        if let search = query.search { conditions += " AND \(search.condition)" }
        return try await self.database.newestFirstPage(
            from: "clients", where: conditions, limit: query.limit, offset: query.offset,
            counted: query.search == nil
                ? .init(
                    record: .clients, workspace: workspace, archived: query.archived,
                    state: query.buyingStage?.rawValue)
                : nil,
            decode: Client.init(row:)
        )
    }

    private static func values(of client: Client) -> [any SQLExpression] {
        return [
            SQLBind.orNull(client.id.rawValue), SQLBind.orNull(client.workspaceID.rawValue),
            SQLBind.orNull(client.name), SQLBind.orNull(client.email),
            SQLBind.orNull(client.phone?.text), SQLBind.orNull(client.phone?.digits), SQLBind.orNull(client.notes),
            SQLBind.orNull(client.buyingStage.rawValue),
            SQLBind.orNull(client.stageChangedAt.millisecondsSince1970),
            SQLBind.orNull(client.createdAt.millisecondsSince1970),
            SQLBind.orNull(client.updatedAt.millisecondsSince1970),
        ]
    }
}

extension Client {
    /// Reads the columns in the table's order (`RowColumns`).
    init(row: any SQLRow) throws {
        var row = RowColumns(row)
        let id = ID(rawValue: try row.text("id"))
        let workspaceID = Workspace.ID(rawValue: try row.text("workspace_id"))
        let name = try row.text("name")
        let email = try row.text("email")
        let phone = try row.optionalText("phone")
        let digits = try row.optionalText("phone_digits")
        self.init(
            id: id, workspaceID: workspaceID, name: name, email: email,
            phone: phone.map { PhoneNumber(text: $0, digits: digits ?? "") },
            notes: try row.optionalText("notes"),
            buyingStage: try row.rawValue("buying_stage", as: BuyingStage.self),
            stageChangedAt: Date(millisecondsSince1970: try row.int64("stage_changed_at")),
            createdAt: Date(millisecondsSince1970: try row.int64("created_at")),
            updatedAt: Date(millisecondsSince1970: try row.int64("updated_at")),
            archivedAt: try row.optionalInt64("archived_at").map(Date.init(millisecondsSince1970:))
        )
    }
}
