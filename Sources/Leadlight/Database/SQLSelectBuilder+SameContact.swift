import SQLKit

extension SQLSelectBuilder {
    /// `AND (email = … OR phone_digits = …)`: the rows that reach the same person (a possible duplicate). At
    /// least one of the two must be given.
    func whereSameContact(email: String?, phoneDigits: String?) -> Self {
        self.where { group in
            var group = group
            if let email { group = group.orWhere("email", .equal, email) }
            if let phoneDigits { group = group.orWhere("phone_digits", .equal, phoneDigits) }
            return group
        }
    }
}
