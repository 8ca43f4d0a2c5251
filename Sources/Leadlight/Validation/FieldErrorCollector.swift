/// Collects field errors while a draft is validated, then throws them together.
package struct FieldErrorCollector {
    package private(set) var errors: [FieldError] = []

    package init() {}

    package mutating func add(_ field: String, _ message: String) {
        self.errors.append(FieldError(field: field, message: message))
    }

    /// Runs a check that throws `ValidationFailure`, keeping its errors and returning nil instead.
    package mutating func check<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let failure as ValidationFailure {
            self.errors += failure.fields
            return nil
        } catch {
            return nil
        }
    }

    package func throwIfAny() throws {
        if !self.errors.isEmpty { throw ValidationFailure(self.errors) }
    }
}
