/// What a user may do in the workspace; raw values are stored.
package enum UserRole: String, Sendable, Codable {
    case owner
}
