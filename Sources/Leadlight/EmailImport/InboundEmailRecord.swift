import Foundation

/// One email received for a workspace, as Settings → Email import lists it: what it made, or why not.
package struct InboundEmailRecord: Sendable, Equatable, IdentifiedResource {
    package typealias ID = Identifier<InboundEmailRecord>
    static let idPrefix = "eml"

    package enum Outcome: String, Sendable {
        /// A lead was made from it.
        case created
        /// It holds no lead; `reason` says why.
        case skipped
    }

    package var id: ID
    package var workspaceID: Workspace.ID
    /// The Message-ID, or `sha256:` and a hash of the message for one without.
    package var messageKey: String
    package var receivedAt: Date
    package var format: InboundEmail.Format
    package var fromAddress: String?
    package var subject: String
    package var outcome: Outcome
    package var reason: String?
    package var leadID: Lead.ID?
}
