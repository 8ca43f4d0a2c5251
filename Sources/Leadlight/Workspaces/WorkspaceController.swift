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
        let workspace = try await WorkspaceStore(database: self.database.sql).require(try context.workspaceID)
        return WorkspacesAPI.WorkspaceBody(workspace)
    }

    func update(_ request: Request, context: APIContext) async throws -> WorkspacesAPI.WorkspaceBody {
        let body = try await request.decodeJSON(as: WorkspacesAPI.UpdateWorkspace.self, context: context)
        let updated = try await WorkspaceOperations(database: self.database, clock: self.clock).update(
            try context.workspaceID, with: body)
        return WorkspacesAPI.WorkspaceBody(updated)
    }
}
