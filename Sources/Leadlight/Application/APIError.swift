import Hummingbird
import NIOCore

/// What went wrong, as the client will be told: status, a stable machine code, a sentence, and the fields at fault.
package struct APIError: Error, Sendable {
    package var status: HTTPResponse.Status
    package var code: String
    package var message: String
    package var fields: [FieldError] = []
    /// The stored resource a conflict is with, named in the body as `existingId`.
    package var existingID: String?
    /// Extra response headers, such as `Retry-After` on a 429 or `WWW-Authenticate` on a 401.
    package var headers: HTTPFields = [:]

    package static func badRequest(_ message: String, code: String = "bad_request") -> APIError {
        APIError(status: .badRequest, code: code, message: message)
    }

    package static func invalidJSON(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_json", message: message)
    }

    package static func validationFailed(_ fields: [FieldError]) -> APIError {
        let summary = fields.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
        return APIError(
            status: .badRequest, code: "validation_failed", message: "Invalid request: \(summary).", fields: fields
        )
    }

    package static func unauthorized(_ message: String) -> APIError {
        APIError(
            status: .unauthorized, code: "unauthorized", message: message,
            headers: [.wwwAuthenticate: "Bearer realm=\"Leadlight\""]
        )
    }

    /// Also the answer for another workspace's resource: its existence is not revealed.
    package static func notFound(_ resource: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: "No \(resource) with that id exists in this workspace.")
    }

    package static func conflict(_ message: String, code: String = "conflict") -> APIError {
        APIError(status: .conflict, code: code, message: message)
    }

    package static func payloadTooLarge(limit: Int?) -> APIError {
        let limitText = limit.map { " of \($0) bytes" } ?? ""
        return APIError(
            status: .contentTooLarge, code: "payload_too_large",
            message: "The request body is larger than the limit\(limitText)."
        )
    }

    package static let unsupportedMediaType = APIError(
        status: .unsupportedMediaType, code: "unsupported_media_type",
        message: "Send the body as JSON with the header Content-Type: application/json."
    )

    /// The database cannot be reached: nothing was changed, and trying again soon is right.
    package static let databaseUnavailable = APIError(
        status: .serviceUnavailable, code: "database_unavailable",
        message: "The database cannot be reached right now, so nothing was changed. Try again in a few seconds.",
        headers: [.retryAfter: "5"]
    )

    /// The database file cannot be written (a full disk, a read-only file): nothing was changed; reads work.
    package static let storageUnavailable = APIError(
        status: .serviceUnavailable, code: "storage_unavailable",
        message: "The server cannot write to its database right now (its disk may be full or read-only), "
            + "so nothing was changed. Reading still works; try again later.",
        headers: [.retryAfter: "60"]
    )

    package static let internalError = APIError(
        status: .internalServerError, code: "internal_error",
        message: "Something went wrong on our side. Quote the request id when reporting it."
    )
}

extension APIError {
    /// The only place that decides an API status code for an error thrown anywhere below the router.
    init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let failure as ValidationFailure:
            self = .validationFailed(failure.fields)
        case let missing as NotFound:
            self = .notFound(missing.resource)
        case let converted as LeadAlreadyConverted:
            self = .conflict(
                "This lead was already converted into client \(converted.client).", code: "lead_already_converted")
            self.existingID = converted.client.rawValue
        case let noEmail as LeadHasNoEmail:
            self = .conflict(
                "Lead \(noEmail.lead) has no email, and a client needs one: add it to the lead, then convert again.",
                code: "lead_has_no_email")
        case let taken as WorkspaceStore.AgentIDTaken:
            self = .conflict(
                "The agentId \(taken.agentID) is already used by another workspace.", code: "agent_id_taken")
        case let taken as ClientStore.EmailTaken:
            self = APIError(
                status: .conflict, code: "client_email_taken",
                message: "A client with the email \(taken.email) already exists: \(taken.existing).",
                existingID: taken.existing.rawValue
            )
        case let taken as OfferingOperations.KeyTaken:
            self =
                taken.field == "sku"
                ? .conflict("Another offering already has the sku \(taken.value).", code: "sku_taken")
                : .conflict("Another offering already has the externalId \(taken.value).", code: "external_id_taken")
        case let taken as UserStore.EmailTaken:
            self = .conflict("The email \(taken.email) already has a login.", code: "email_taken")
        case is DashboardForm.MalformedMultipart:
            self = APIError(
                status: .badRequest, code: "malformed_form", message: "The form's multipart body could not be read.")
        case is DatabaseUnavailable:
            self = .databaseUnavailable
        case let error as SQLiteDirectError where error.isStorageFailure:
            self = .storageUnavailable
        case let error where DatabaseUnavailable.isConnectionFailure(error):
            self = .databaseUnavailable
        case is NIOTooManyBytesError:
            self = .payloadTooLarge(limit: nil)
        case let error as HTTPError:
            self = Self.fromRouter(error)
        default:
            self = .internalError
        }
    }

    /// Errors the framework raises itself: unknown path, wrong method, and the like.
    private static func fromRouter(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound:
            return APIError(
                status: .notFound, code: "not_found", message: "No such endpoint. See /api/v1/openapi.json.")
        case .methodNotAllowed:
            return APIError(
                status: .methodNotAllowed, code: "method_not_allowed",
                message: "This endpoint does not take that method."
            )
        case .contentTooLarge:
            return .payloadTooLarge(limit: nil)
        default:
            return APIError(
                status: error.status, code: "http_\(error.status.code)",
                message: error.body ?? error.status.reasonPhrase
            )
        }
    }

    var isInternal: Bool { self.status.code >= 500 }
}
