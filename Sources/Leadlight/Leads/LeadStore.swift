import Foundation
import SQLKit

/// Every query that touches `leads`.
package struct LeadStore: ArchivableStore {
    static let resource = "lead"

    let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    /// Written out rather than built: SQLKit's serializing of the statement (each column name quoted and escaped)
    /// showed in the profile of creates, on the writer's thread that every write waits for.
    func insert(_ lead: Lead) async throws {
        try await self.database.raw(
            """
            INSERT INTO leads (id, workspace_id, name, email, phone, phone_digits, source, property_address, notes, \
            status, created_at, updated_at) VALUES (\(SQLList(Self.values(of: lead))))
            """
        ).run()
    }

    func update(_ lead: Lead) async throws {
        try await self.database.update("leads")
            .set("name", to: lead.name)
            .set("email", to: SQLBind.orNull(lead.email))
            .set("phone", to: SQLBind.orNull(lead.phone?.text))
            .set("phone_digits", to: SQLBind.orNull(lead.phone?.digits))
            .set("source", to: SQLBind.orNull(lead.source))
            .set(
                "property_address", to: SQLBind.orNull(lead.propertyAddress)
            )
            .set("notes", to: SQLBind.orNull(lead.notes))
            .set("status", to: lead.status.rawValue)
            .set("client_id", to: SQLBind.orNull(lead.clientID?.rawValue))
            .set("updated_at", to: lead.updatedAt.millisecondsSince1970)
            .set("archived_at", to: SQLBind.orNull(lead.archivedAt?.millisecondsSince1970))
            .where("workspace_id", .equal, lead.workspaceID.rawValue)
            .where("id", .equal, lead.id.rawValue)
            .run()
    }

    package func find(_ id: Lead.ID, in workspace: Workspace.ID) async throws -> Lead? {
        try await self.database.select().column("*").from("leads")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("id", .equal, id.rawValue)
            .first()
            .map(Lead.init(row:))
    }

    /// One page, newest first, and how many match in all.
    package func list(_ query: LeadQuery, in workspace: Workspace.ID) async throws -> (leads: [Lead], total: Int) {
        try await self.database.newestFirstPage(
            from: "leads", where: Self.conditions(query, workspace), limit: query.limit, offset: query.offset,
            counted: query.search == nil
                ? .init(record: .leads, workspace: workspace, archived: query.archived, state: query.status?.rawValue)
                : nil,
            decode: Lead.init(row:)
        )
    }

    /// The ids of every lead the query's filters match (its page left aside), newest first, at most `limit`.
    func ids(matching query: LeadQuery, in workspace: Workspace.ID, limit: Int) async throws -> [Lead.ID] {
        try await self.database.raw(
            """
            SELECT id FROM leads WHERE \(Self.conditions(query, workspace)) \
            ORDER BY created_at DESC, id DESC LIMIT \(bind: limit)
            """
        ).all().map { Lead.ID(rawValue: try $0.decode(column: "id", as: String.self)) }
    }

    /// The leads the query's filters select (its page left aside).
    private static func conditions(_ query: LeadQuery, _ workspace: Workspace.ID) -> SQLQueryString {
        var conditions: SQLQueryString =
            "workspace_id = \(bind: workspace.rawValue) AND \(SQLQueryString.archived(query.archived))"
        if let status = query.status { conditions += " AND status = \(bind: status.rawValue)" }
        if let search = query.search { conditions += " AND \(search.condition)" }
        return conditions
    }

    /// The other leads with this email or these phone digits (a possible duplicate), newest first.
    func sharing(email: String?, phoneDigits: String?, except id: Lead.ID, in workspace: Workspace.ID, limit: Int = 10)
        async throws -> [Lead]
    {
        guard email != nil || phoneDigits != nil else { return [] }
        return try await self.database.select().column("*").from("leads")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("id", .notEqual, id.rawValue)
            .whereSameContact(email: email, phoneDigits: phoneDigits)
            .orderBy("created_at", .descending).limit(limit).all().map(Lead.init(row:))
    }

    private static func values(of lead: Lead) -> [any SQLExpression] {
        return [
            SQLBind.orNull(lead.id.rawValue), SQLBind.orNull(lead.workspaceID.rawValue), SQLBind.orNull(lead.name),
            SQLBind.orNull(lead.email),
            SQLBind.orNull(lead.phone?.text), SQLBind.orNull(lead.phone?.digits), SQLBind.orNull(lead.source),
            SQLBind.orNull(lead.propertyAddress),
            SQLBind.orNull(lead.notes), SQLBind.orNull(lead.status.rawValue),
            SQLBind.orNull(lead.createdAt.millisecondsSince1970),
            SQLBind.orNull(lead.updatedAt.millisecondsSince1970),
        ]
    }
}

extension Lead {
    /// Reads the columns in the table's order (`RowColumns`).
    init(row: any SQLRow) throws {
        var row = RowColumns(row)
        let id = ID(rawValue: try row.text("id"))
        let workspaceID = Workspace.ID(rawValue: try row.text("workspace_id"))
        let name = try row.text("name")
        let email = try row.optionalText("email")
        let phone = try row.optionalText("phone")
        let digits = try row.optionalText("phone_digits")
        let source = try row.optionalText("source")
        let propertyAddress = try row.optionalText("property_address")
        let notes = try row.optionalText("notes")
        let status = try row.rawValue("status", as: LeadStatus.self)
        let createdAt = Date(millisecondsSince1970: try row.int64("created_at"))
        let updatedAt = Date(millisecondsSince1970: try row.int64("updated_at"))
        let clientID = try row.optionalText("client_id").map(Client.ID.init(rawValue:))
        let archivedAt = try row.optionalInt64("archived_at").map(Date.init(millisecondsSince1970:))
        self.init(
            id: id, workspaceID: workspaceID, name: name, email: email,
            phone: phone.map { PhoneNumber(text: $0, digits: digits ?? "") }, source: source,
            propertyAddress: propertyAddress, notes: notes, status: status, clientID: clientID, createdAt: createdAt,
            updatedAt: updatedAt, archivedAt: archivedAt)
    }
}
