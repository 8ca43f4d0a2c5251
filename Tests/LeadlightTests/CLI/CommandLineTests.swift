import Foundation
import SQLKit
import Testing

@testable import Leadlight

/// The `leadlight` command-line contract, run as the built executable (issue 2, The command line).
@Suite struct CommandLineTests {
    private func databaseURL(_ location: DatabaseLocation) -> String {
        switch location {
        case .sqlite(let path): return path
        case .postgres(let url): return url
        }
    }

    private func withDatabase<T: Sendable>(
        _ location: DatabaseLocation,
        _ body: (LeadlightDatabase) async throws -> T
    ) async throws -> T {
        try await LeadlightDatabase.withOpen(location, logger: TestDatabase.logger, body)
    }

    @Test(arguments: TestDatabase.available)
    func workspaceCreatePrintsOneJSONObjectWithAWorkingKey(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            let result = try await LeadlightProcess.run([
                "workspace", "create", "--name", "Sarah Johnson Homes", "--agent-id", "sarah-johnson",
                "--owner-email", " Sarah@Example.com ", "--database-url", self.databaseURL(location), "--json",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let workspaceID = try #require(json["workspaceId"] as? String)
            #expect(json["agentId"] as? String == "sarah-johnson")
            let apiKey = try #require(json["apiKey"] as? String)
            #expect(apiKey.hasPrefix("alk_live_"))
            #expect((json["ownerPassword"] as? String)?.count == 20)  // generated, shown once
            #expect(json["ownerEmail"] as? String == "sarah@example.com")
            try await self.withDatabase(location) { (database: LeadlightDatabase) async throws in
                let key = try await APIKeyStore(database: database.sql).authenticate(
                    try #require(APIKeySecret(presented: apiKey)))
                #expect(key?.workspaceID.rawValue == workspaceID)
                let owner = try await UserStore(database: database.sql).find(email: "sarah@example.com")
                #expect(owner?.passwordHash.hasPrefix("$2") == true)
                #expect(owner?.role == .owner)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func workspaceCreateRefusesBadInputAndATakenAgentIDAndCreatesNothing(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            let url = self.databaseURL(location)
            let invalid = try await LeadlightProcess.run([
                "workspace", "create", "--name", "", "--agent-id", "Not A Slug", "--owner-email", "nobody",
                "--database-url", url, "--json",
            ])
            #expect(invalid.status != 0)
            #expect(invalid.stderr.contains("name is required"))
            #expect(invalid.stderr.contains("agentId must be"))
            #expect(invalid.stderr.contains("ownerEmail must be an email"))

            let shortPassword = try await LeadlightProcess.run([
                "workspace", "create", "--name", "A", "--agent-id", "a", "--owner-email", "a@example.com",
                "--owner-password", "short", "--database-url", url,
            ])
            #expect(shortPassword.status != 0)
            #expect(shortPassword.stderr.contains("ownerPassword must be at least 8 characters"))

            let first = try await LeadlightProcess.run([
                "workspace", "create", "--name", "First", "--agent-id", "taken", "--owner-email", "first@example.com",
                "--owner-password", "long enough", "--database-url", url, "--json",
            ])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(!first.stdout.contains("ownerPassword"))  // given, so not printed
            let second = try await LeadlightProcess.run([
                "workspace", "create", "--name", "Second", "--agent-id", "taken", "--owner-email", "second@example.com",
                "--database-url", url, "--json",
            ])
            #expect(second.status != 0)
            #expect(second.stderr.contains("already used"))
            try await self.withDatabase(location) { (database: LeadlightDatabase) async throws in
                #expect(try await WorkspaceStore(database: database.sql).count() == 1)
                #expect(try await UserStore(database: database.sql).find(email: "second@example.com") == nil)
            }
            let list = try await LeadlightProcess.run(["workspace", "list", "--database-url", url, "--json"])
            let workspaces = try #require(
                (try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])?["workspaces"]
                    as? [[String: Any]]
            )
            #expect(workspaces.map { $0["agentId"] as? String } == ["taken"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func keysCanBeCreatedListedAndRevokedFromTheCommandLine(on kind: TestDatabase) async throws {
        try await kind.withFreshLocation { location in
            let url = self.databaseURL(location)
            let workspace = try await LeadlightProcess.run([
                "workspace", "create", "--name", "Keys", "--agent-id", "keys-test", "--owner-email", "k@example.com",
                "--database-url", url, "--json",
            ])
            #expect(workspace.status == 0, "\(workspace.stderr)")

            let created = try await LeadlightProcess.run([
                "keys", "create", "--agent-id", "keys-test", "--name", "Nightly sync", "--database-url", url, "--json",
            ])
            #expect(created.status == 0, "\(created.stderr)")
            let key = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
            let secret = try #require(key["apiKey"] as? String)
            let keyID = try #require(key["id"] as? String)
            #expect(key["name"] as? String == "Nightly sync")

            let listed = try await LeadlightProcess.run([
                "keys", "list", "--agent-id", "keys-test", "--database-url", url, "--json",
            ])
            #expect(listed.status == 0)
            #expect(!listed.stdout.contains(secret))
            let keys = try #require(
                (try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])?["apiKeys"]
                    as? [[String: Any]]
            )
            #expect(keys.count == 2)
            #expect(keys.first?["id"] as? String == keyID)

            let revoked = try await LeadlightProcess.run([
                "keys", "revoke", "--agent-id", "keys-test", keyID, "--database-url", url, "--json",
            ])
            #expect(revoked.status == 0, "\(revoked.stderr)")
            #expect(revoked.stdout.contains("\"revoked\""))
            try await self.withDatabase(location) { (database: LeadlightDatabase) async throws in
                #expect(
                    try await APIKeyStore(database: database.sql).authenticate(
                        try #require(APIKeySecret(presented: secret))) == nil)
            }

            let unknownKey = try await LeadlightProcess.run([
                "keys", "revoke", "--agent-id", "keys-test", "key_nope", "--database-url", url,
            ])
            #expect(unknownKey.status != 0)
            let unknownWorkspace = try await LeadlightProcess.run([
                "keys", "create", "--agent-id", "nobody", "--database-url", url,
            ])
            #expect(unknownWorkspace.status != 0)
            #expect(unknownWorkspace.stderr.contains("no workspace has the agentId nobody"))
        }
    }

    @Test func migrateAppliesPendingMigrationsOnce() async throws {
        try await TestDatabase.sqlite.withFreshLocation { location in
            let url = self.databaseURL(location)
            let first = try await LeadlightProcess.run(["migrate", "--database-url", url])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("Applied: CreateWorkspaces"))
            let second = try await LeadlightProcess.run(["migrate"], environment: ["LEADLIGHT_DATABASE_URL": url])
            #expect(second.stdout.contains("up to date"))
        }
    }
}
