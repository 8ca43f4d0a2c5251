import Hummingbird

/// `/api/v1/workspace`: the calling key's own workspace.
struct WorkspaceController {
    let database: LeadlightDatabase
    let clock: WallClock

    var routes: RouteCollection<APIContext> {
        RouteCollection(context: APIContext.self)
            .get(use: self.show)
            .patch(use: self.update)
    }

    func show(_ request: Request, context: APIContext) async throws -> WorkspacesAPI.WorkspaceBody {
        let workspace = try await self.currentWorkspace(context)
        return WorkspacesAPI.WorkspaceBody(workspace)
    }

    func update(_ request: Request, context: APIContext) async throws -> WorkspacesAPI.WorkspaceBody {
        let body = try await request.decodeJSON(as: WorkspacesAPI.UpdateWorkspace.self, context: context)
        var workspace = try await self.currentWorkspace(context)
        var errors = FieldErrorCollector()
        if let agentId = body.agentId, agentId != workspace.agentID.rawValue {
            errors.add("agentId", "cannot be changed: webhook receivers and public links depend on it")
        }
        if let name = body.name,
            let name = errors.check({ try TextRules.required(name, field: "name", maxLength: 200) })
        {
            workspace.name = name
        }
        if let currency = body.currency, let currency = errors.check({ try CurrencyCode(validating: currency) }) {
            workspace.currency = currency
        }
        if let timeZone = body.timeZone, let timeZone = errors.check({ try WorkspaceDraft.validTimeZone(timeZone) }) {
            workspace.timeZone = timeZone
        }
        try errors.throwIfAny()
        workspace.updatedAt = self.clock.now
        let updated = workspace
        try await self.database.transaction { tx in try await WorkspaceStore(database: tx).update(updated) }
        return WorkspacesAPI.WorkspaceBody(updated)
    }

    private func currentWorkspace(_ context: APIContext) async throws -> Workspace {
        guard let workspace = try await WorkspaceStore(database: self.database.sql).find(try context.workspaceID) else {
            throw APIError.notFound("workspace")
        }
        return workspace
    }
}
