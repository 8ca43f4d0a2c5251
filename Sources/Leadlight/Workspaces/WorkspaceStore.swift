import Foundation
import SQLKit

/// Every query that touches `workspaces`.
package struct WorkspaceStore: Sendable {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    /// Thrown when another workspace already uses the agent id.
    package struct AgentIDTaken: Error, Equatable {
        package var agentID: AgentID
    }

    func insert(_ workspace: Workspace) async throws {
        do {
            try await self.database.insert(into: "workspaces")
                .columns("id", "name", "agent_id", "currency", "time_zone", "created_at", "updated_at")
                .values(
                    SQLBind(workspace.id.rawValue), SQLBind(workspace.name), SQLBind(workspace.agentID.rawValue),
                    SQLBind(workspace.currency.rawValue), SQLBind(workspace.timeZone),
                    SQLBind(workspace.createdAt.millisecondsSince1970),
                    SQLBind(workspace.updatedAt.millisecondsSince1970)
                )
                .run()
        } catch  where UniqueViolation.matches(error, column: "agent_id") {
            throw AgentIDTaken(agentID: workspace.agentID)
        }
    }

    package func find(_ id: Workspace.ID) async throws -> Workspace? {
        try await self.database.select().column("*").from("workspaces")
            .where("id", .equal, id.rawValue)
            .first()
            .map(Workspace.init(row:))
    }

    /// The workspace, or `NotFound` (a 404): the calling key's, which is gone only if the workspace went with it.
    package func require(_ id: Workspace.ID) async throws -> Workspace {
        guard let workspace = try await self.find(id) else { throw NotFound("workspace") }
        return workspace
    }

    package func find(agentID: AgentID) async throws -> Workspace? {
        try await self.database.select().column("*").from("workspaces")
            .where("agent_id", .equal, agentID.rawValue)
            .first()
            .map(Workspace.init(row:))
    }

    package func list() async throws -> [Workspace] {
        try await self.database.select().column("*").from("workspaces")
            .orderBy("created_at", .ascending)
            .all()
            .map(Workspace.init(row:))
    }

    package func count() async throws -> Int {
        let row = try await self.database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("workspaces").first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    func update(_ workspace: Workspace) async throws {
        CommitSignal.siteChanged()  // its name and time zone show on its public site
        try await self.database.update("workspaces")
            .set("name", to: workspace.name)
            .set("currency", to: workspace.currency.rawValue)
            .set("time_zone", to: workspace.timeZone)
            .set("updated_at", to: workspace.updatedAt.millisecondsSince1970)
            .where("id", .equal, workspace.id.rawValue)
            .run()
    }
}

extension Workspace {
    init(row: any SQLRow) throws {
        self.init(
            id: ID(rawValue: try row.decode(column: "id", as: String.self)),
            name: try row.decode(column: "name", as: String.self),
            agentID: try row.decode(column: "agent_id", as: AgentID.self),
            currency: try row.decode(column: "currency", as: CurrencyCode.self),
            timeZone: try row.decode(column: "time_zone", as: String.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self))
        )
    }
}
