import Foundation
import SQLKit

/// Every query that touches `leads`.
package struct LeadStore: ArchivableStore {
    static let resource = "lead"

    let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    func insert(_ lead: Lead) async throws {
        try await self.database.insert(into: "leads")
            .columns(
                "id", "workspace_id", "name", "email", "phone", "phone_digits", "source", "property_address", "notes",
                "status", "created_at", "updated_at"
            )
            .values(Self.values(of: lead))
            .run()
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
        func filtered(_ select: SQLSelectBuilder) -> SQLSelectBuilder {
            var select = select.from("leads").where("workspace_id", .equal, workspace.rawValue)
                .where("archived_at", query.archived ? .isNot : .is, SQLLiteral.null)
            if let status = query.status { select = select.where("status", .equal, status.rawValue) }
            if let search = query.search { select = select.where(search.condition) }
            return select
        }
        return try await self.database.newestFirstPage(
            limit: query.limit, offset: query.offset, filtered: filtered,
            counted: query.search == nil
                ? .init(record: .leads, workspace: workspace, archived: query.archived, state: query.status?.rawValue)
                : nil,
            decode: Lead.init(row:)
        )
    }

    /// The ids of every lead the query's filters match (its page left aside), newest first, at most `limit`.
    func ids(matching query: LeadQuery, in workspace: Workspace.ID, limit: Int) async throws -> [Lead.ID] {
        var select = self.database.select().column("id").from("leads")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("archived_at", query.archived ? .isNot : .is, SQLLiteral.null)
        if let status = query.status { select = select.where("status", .equal, status.rawValue) }
        if let search = query.search { select = select.where(search.condition) }
        return try await select.orderBy("created_at", .descending).orderBy("id", .descending).limit(limit).all()
            .map { Lead.ID(rawValue: try $0.decode(column: "id", as: String.self)) }
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
    init(row: any SQLRow) throws {
        let phone = try row.decodeIfPresent(column: "phone", as: String.self)
        let digits = try row.decodeIfPresent(column: "phone_digits", as: String.self)
        self.init(
            id: ID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: Workspace.ID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            name: try row.decode(column: "name", as: String.self),
            email: try row.decodeIfPresent(column: "email", as: String.self),
            phone: phone.map { PhoneNumber(text: $0, digits: digits ?? "") },
            source: try row.decodeIfPresent(column: "source", as: String.self),
            propertyAddress: try row.decodeIfPresent(column: "property_address", as: String.self),
            notes: try row.decodeIfPresent(column: "notes", as: String.self),
            status: try row.decode(rawValueOf: "status", as: LeadStatus.self),
            clientID: try row.decodeIfPresent(column: "client_id", as: String.self).map(Client.ID.init(rawValue:)),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)),
            archivedAt: try row.decodeIfPresent(column: "archived_at", as: Int64.self).map(
                Date.init(millisecondsSince1970:))
        )
    }
}
