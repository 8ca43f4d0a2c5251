import SQLKit

/// What a note is written on, and a record's timeline is of: a lead or a client of the workspace.
package enum NoteSubject: Sendable, Equatable {
    case lead(Lead.ID)
    case client(Client.ID)

    var id: String {
        switch self {
        case .lead(let id): id.rawValue
        case .client(let id): id.rawValue
        }
    }

    /// Throws `NotFound` unless the record is the workspace's (another workspace's is not found either).
    func requireExists(in workspace: Workspace.ID, on database: any SQLDatabase) async throws {
        switch self {
        case .lead(let id):
            guard try await LeadStore(database: database).find(id, in: workspace) != nil else { throw NotFound("lead") }
        case .client(let id):
            guard try await ClientStore(database: database).find(id, in: workspace) != nil else {
                throw NotFound("client")
            }
        }
    }
}
