/// Thrown by validating initialisers with every bad field at once, so a client fixes them in one round trip.
package struct ValidationFailure: Error, Sendable, Equatable {
    package var fields: [FieldError]

    package init(_ fields: [FieldError]) {
        self.fields = fields
    }

    package init(field: String, message: String) {
        self.fields = [FieldError(field: field, message: message)]
    }
}
