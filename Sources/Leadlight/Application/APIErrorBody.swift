import Hummingbird

/// The one shape of every error answer:
/// `{"success": false, "error": {"code": …, "message": …, "fields": […]}, "requestId": …}`.
package struct APIErrorBody: Codable, Sendable {
    package struct Detail: Codable, Sendable {
        package var code: String
        package var message: String
        package var fields: [FieldError]?
        /// On a conflict with a stored resource: its id (a 409 for a client email names the existing client).
        package var existingId: String?
    }

    package var success = false
    package var error: Detail
    package var requestId: String

    init(_ error: APIError, requestID: String) {
        self.error = Detail(
            code: error.code, message: error.message, fields: error.fields.isEmpty ? nil : error.fields,
            existingId: error.existingID
        )
        self.requestId = requestID
    }
}
