import Foundation
import Hummingbird
import HummingbirdTesting
import Logging

@testable import Leadlight

/// Creates workspaces and keys directly through the stores, as a fixture.
struct TestSeed: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock

    /// A new workspace with its owner and first key (bcrypt at its cheapest, to keep tests fast).
    func workspace(_ agentID: String = "agent-\(Int.random(in: 1000...999_999))") async throws
        -> WorkspaceProvisioner.Provisioned
    {
        try await WorkspaceProvisioner(
            database: self.database, passwordHasher: PasswordHasher(cost: 4), clock: self.clock
        )
        .provision(
            try WorkspaceDraft(name: "Workspace \(agentID)", agentID: agentID, ownerEmail: "\(agentID)@example.com"),
            ownerPassword: "correct horse battery"
        )
    }

    /// The full key of a new workspace.
    func apiKey() async throws -> String {
        try await self.workspace().apiKey.value
    }
}

/// Runs `body` against the application `buildApplication` returns, on a fresh, migrated database.
@discardableResult
func withTestApp<T: Sendable>(
    _ kind: TestDatabase,
    configure: (inout LeadlightConfiguration) -> Void = { _ in },
    _ body: (any ApplicationProtocol, TestSeed) async throws -> T
) async throws -> T {
    try await kind.withFreshLocation { location in
        var configuration = LeadlightConfiguration()
        configuration.database = location
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.passwordHashCost = 4
        configure(&configuration)
        return try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger) { database in
            try await Migrator(database: database).migrate(logger: TestDatabase.logger)
            let app = try buildApplication(configuration, database: database, logger: TestDatabase.logger)
            return try await body(app, TestSeed(database: database, clock: configuration.clock))
        }
    }
}
