/// One problem with one input field, as it appears in every error body: `{"field": "email", "message": "…"}`.
package struct FieldError: Codable, Sendable, Equatable {
    package var field: String
    package var message: String

    package init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
