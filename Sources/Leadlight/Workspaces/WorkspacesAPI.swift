import Foundation
import Hummingbird

/// Bodies for `/api/v1/workspace`. JSON keys are a contract with people's integrations; never rename one.
package enum WorkspacesAPI {
    package struct WorkspaceBody: ResponseCodable, Equatable {
        package var id: Workspace.ID
        package var name: String
        package var agentId: String
        package var currency: String
        package var timeZone: String
        package var createdAt: Date
        package var updatedAt: Date

        package init(_ workspace: Workspace) {
            self.id = workspace.id
            self.name = workspace.name
            self.agentId = workspace.agentID.rawValue
            self.currency = workspace.currency.rawValue
            self.timeZone = workspace.timeZone
            self.createdAt = workspace.createdAt
            self.updatedAt = workspace.updatedAt
        }
    }

    /// `PATCH /api/v1/workspace`: every field optional; `agentId` is fixed once chosen.
    package struct UpdateWorkspace: Decodable {
        package var name: String?
        package var currency: String?
        package var timeZone: String?
        package var agentId: String?
    }
}
