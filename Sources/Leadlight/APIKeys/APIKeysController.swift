import Hummingbird

/// `/api/v1/api-keys`: issue, list and revoke the workspace's keys, so integrations can rotate their own.
struct APIKeysController {
    let database: LeadlightDatabase
    let clock: WallClock

    var routes: RouteCollection<APIContext> {
        RouteCollection(context: APIContext.self)
            .get(use: self.list)
            .post(use: self.create)
            .get("{id}", use: self.show)
            .delete("{id}", use: self.revoke)
    }

    func list(_ request: Request, context: APIContext) async throws -> APIKeysAPI.KeyList {
        let keys = try await APIKeyStore(database: self.database.sql).list(in: try context.workspaceID)
        return APIKeysAPI.KeyList(apiKeys: keys.map(APIKeysAPI.KeyBody.init), total: keys.count)
    }

    func create(_ request: Request, context: APIContext) async throws -> EditedResponse<APIKeysAPI.Created> {
        let body = try await request.decodeJSON(as: APIKeysAPI.CreateKey.self, context: context)
        let name = try APIKeysAPI.validName(body.name)
        let workspace = try context.workspaceID
        let now = self.clock.now
        let (key, secret) = try await self.database.transaction { tx in
            try await APIKeyStore(database: tx).create(named: name, in: workspace, at: now)
        }
        return EditedResponse(
            status: .created,
            response: .init(
                id: key.id, name: key.name, prefix: key.prefix, apiKey: secret.value, createdAt: key.createdAt)
        )
    }

    func show(_ request: Request, context: APIContext) async throws -> APIKeysAPI.KeyBody {
        let id = try context.parameters.require("id", as: APIKey.ID.self)
        guard let key = try await APIKeyStore(database: self.database.sql).find(id, in: try context.workspaceID) else {
            throw APIError.notFound("API key")  // another workspace's key is "not found" too
        }
        return APIKeysAPI.KeyBody(key)
    }

    func revoke(_ request: Request, context: APIContext) async throws -> APIKeysAPI.KeyBody {
        let id = try context.parameters.require("id", as: APIKey.ID.self)
        let workspace = try context.workspaceID
        let now = self.clock.now
        let revoked = try await self.database.transaction { tx in
            try await APIKeyStore(database: tx).revoke(id, in: workspace, at: now)
        }
        guard let revoked else { throw APIError.notFound("API key") }
        return APIKeysAPI.KeyBody(revoked)
    }
}
