import Hummingbird

/// `/api/v1/api-keys`: issue, list and revoke the workspace's keys, so integrations can rotate their own.
struct APIKeysController {
    let database: LeadlightDatabase
    let clock: WallClock

    var keys: APIKeyOperations { APIKeyOperations(database: self.database, clock: self.clock) }

    var routes: RouteCollection<APIContext> {
        RouteCollection(context: APIContext.self)
            .get(use: self.list)
            .post(use: self.create)
            .get("{id}", use: self.show)
            .delete("{id}", use: self.revoke)
    }

    func list(_ request: Request, context: APIContext) async throws -> APIKeysAPI.KeyList {
        let keys = try await APIKeyStore(database: self.database.sql).list(in: try context.workspaceID)
        let now = self.clock.now
        return APIKeysAPI.KeyList(apiKeys: keys.map { APIKeysAPI.KeyBody($0, at: now) }, total: keys.count)
    }

    func create(_ request: Request, context: APIContext) async throws -> EditedResponse<APIKeysAPI.Created> {
        let body = try await request.decodeJSON(as: APIKeysAPI.CreateKey.self, context: context)
        let (key, secret) = try await self.keys.create(
            named: body.name, expiresAt: try APIKeysAPI.expiry(body.expiresAt), in: try context.workspaceID)
        return EditedResponse(
            status: .created,
            response: .init(
                id: key.id, name: key.name, prefix: key.prefix, apiKey: secret.value, createdAt: key.createdAt,
                expiresAt: key.expiresAt)
        )
    }

    func show(_ request: Request, context: APIContext) async throws -> APIKeysAPI.KeyBody {
        let id = try context.parameters.require("id", as: APIKey.ID.self)
        guard let key = try await APIKeyStore(database: self.database.sql).find(id, in: try context.workspaceID) else {
            throw APIError.notFound("API key")  // another workspace's key is "not found" too
        }
        return APIKeysAPI.KeyBody(key, at: self.clock.now)
    }

    func revoke(_ request: Request, context: APIContext) async throws -> APIKeysAPI.KeyBody {
        let id = try context.parameters.require("id", as: APIKey.ID.self)
        let revoked = try await self.keys.revoke(id, in: try context.workspaceID)
        return APIKeysAPI.KeyBody(revoked, at: self.clock.now)
    }
}
