import Hummingbird

/// `/api/v1/products`: the offering catalog of the calling key's workspace.
struct OfferingsController {
    let database: LeadlightDatabase
    let clock: WallClock
    /// Reuses recent list answers (`ReadCache`).
    let lists: ListResponseCache

    var offerings: OfferingOperations { OfferingOperations(database: self.database, clock: self.clock) }

    var routes: RouteCollection<APIContext> {
        RouteCollection(context: APIContext.self)
            .post(use: self.upsert)
            .get(use: self.list)
            .get("summary", use: self.summary)
            .get("{id}", use: self.show)
            .patch("{id}", use: self.update)
            .delete("{id}", use: self.delete)
    }

    /// One offering answers 201 (created) or 200 with the offering; a batch answers 200 or 207 with per-row results.
    func upsert(_ request: Request, context: APIContext) async throws -> Response {
        let body = try OfferingsAPI.UpsertRequest(body: try await request.jsonBody(context: context))
        let workspace = try await WorkspaceStore(database: self.database.sql).require(try context.workspaceID)
        let upserter = OfferingUpserter(database: self.database, clock: self.clock)
        switch body {
        case .single(let row):
            guard let result = try await upserter.upsert([row], in: workspace).first else {
                throw APIError.internalError
            }
            guard let id = result.id else { throw APIError.validationFailed(result.errors) }
            // found unchanged by its fingerprint: read the offering to answer with it
            var found = result.offering
            if found == nil { found = try await OfferingStore(database: self.database.sql).find(id, in: workspace.id) }
            guard let offering = found else { throw APIError.notFound("offering") }
            return try EditedResponse(
                status: result.status == .created ? .created : .ok, response: OfferingsAPI.OfferingBody(offering)
            ).response(from: request, context: context)
        case .batch(let rows):
            guard !rows.isEmpty else { throw APIError.badRequest("Send at least one offering.", code: "empty_batch") }
            guard rows.count <= OfferingUpserter.maxRows else {
                throw APIError(
                    status: .contentTooLarge, code: "batch_too_large",
                    message:
                        "A request takes at most \(OfferingUpserter.maxRows) offerings; this one has \(rows.count). "
                        + "Nothing was written."
                )
            }
            let answer = OfferingsAPI.BulkResponse(try await upserter.upsert(rows, in: workspace))
            return .json(
                answer.jsonBytes(), status: answer.success ? .ok : .init(code: 207, reasonPhrase: "Multi-Status"))
        }
    }

    func list(_ request: Request, context: APIContext) async throws -> Response {
        try await self.lists.respond(to: request, context: context) {
            let query = try OfferingQuery(validating: request.uri.queryParameters)
            let (offerings, total) = try await OfferingStore(database: self.database.sql).list(
                query, in: try context.workspaceID
            )
            return try ListResponseCache.json(
                OfferingsAPI.OfferingList(products: offerings.map(OfferingsAPI.OfferingBody.init), total: total))
        }
    }

    func summary(_ request: Request, context: APIContext) async throws -> OfferingsAPI.CatalogSummary {
        OfferingsAPI.CatalogSummary(
            try await OfferingStore(database: self.database.sql).counts(in: try context.workspaceID))
    }

    func show(_ request: Request, context: APIContext) async throws -> OfferingsAPI.OfferingBody {
        let id = try context.parameters.require("id", as: Offering.ID.self)
        guard let offering = try await OfferingStore(database: self.database.sql).find(id, in: try context.workspaceID)
        else { throw APIError.notFound("offering") }
        return OfferingsAPI.OfferingBody(offering)
    }

    /// Changes only the fields sent; `null` clears an optional one. The same rules as the upsert apply.
    func update(_ request: Request, context: APIContext) async throws -> OfferingsAPI.OfferingBody {
        let id = try context.parameters.require("id", as: Offering.ID.self)
        let row = try await request.decodeJSON(as: OfferingRow.self, context: context)
        let updated = try await self.offerings.update(id, with: row, in: try context.workspaceID)
        return OfferingsAPI.OfferingBody(updated)
    }

    func delete(_ request: Request, context: APIContext) async throws -> OfferingsAPI.Deleted {
        let id = try context.parameters.require("id", as: Offering.ID.self)
        try await self.offerings.delete(id, in: try context.workspaceID)
        return OfferingsAPI.Deleted(id: id)
    }
}
