import Hummingbird

/// `/healthz` (the process answers) and `/readyz` (and its database does), outside the API gate.
struct HealthController {
    let database: LeadlightDatabase

    struct Status: ResponseCodable {
        var status: String
        var database: String?
    }

    func live(_ request: Request, context: APIContext) async throws -> Status {
        Status(status: "ok")
    }

    func ready(_ request: Request, context: APIContext) async throws -> EditedResponse<Status> {
        do {
            try await self.database.ping()
            return EditedResponse(status: .ok, response: Status(status: "ok", database: self.database.dialect.rawValue))
        } catch {
            context.logger.warning("Readiness check failed", metadata: ["error": .string("\(error)")])
            return EditedResponse(
                status: .serviceUnavailable, response: Status(status: "unavailable", database: "unreachable"))
        }
    }
}
