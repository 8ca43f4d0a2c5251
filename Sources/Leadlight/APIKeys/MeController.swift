import Hummingbird

/// `GET /api/v1/me`: the calling key and its workspace. Integration platforms (Zapier, Make) call it to test a
/// key and to name the connection.
struct MeController {
    let database: LeadlightDatabase
    let clock: WallClock

    /// `{"workspace": {…}, "apiKey": {…}}`, the same bodies `/api/v1/workspace` and `/api/v1/api-keys` show.
    struct Me: ResponseCodable {
        var workspace: WorkspacesAPI.WorkspaceBody
        var apiKey: APIKeysAPI.KeyBody
    }

    var routes: RouteCollection<APIContext> {
        RouteCollection(context: APIContext.self).get(use: self.show)
    }

    func show(_ request: Request, context: APIContext) async throws -> Me {
        guard let key = context.apiKey else { throw APIError.unauthorized("An API key is required.") }
        let workspace = try await WorkspaceStore(database: self.database.sql).require(key.workspaceID)
        return Me(
            workspace: WorkspacesAPI.WorkspaceBody(workspace), apiKey: APIKeysAPI.KeyBody(key, at: self.clock.now))
    }
}
