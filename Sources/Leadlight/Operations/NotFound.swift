/// Thrown by an operation when the resource it was asked to change is not in the workspace. Another workspace's
/// resource is not found either: its existence is never revealed.
package struct NotFound: Error, Sendable, Equatable {
    /// What was looked for, in words: `lead`, `client`, `listing`.
    package var resource: String

    package init(_ resource: String) {
        self.resource = resource
    }
}
