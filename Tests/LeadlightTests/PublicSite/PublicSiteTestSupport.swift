import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// A public site over HTTP: a workspace with a listing, a visitor, the manual clock that the time trap reads,
/// and the folder the server's emails are written to.
struct PublicSiteFixture: Sendable {
    let workspace: WorkspaceProvisioner.Provisioned
    let seed: TestSeed
    let clock: ManualClock
    let mailFolder: URL

    var path: String { "/a/\(self.workspace.workspace.agentID.rawValue)" }
    var key: String { self.workspace.apiKey.value }
    var workspaceID: Workspace.ID { self.workspace.workspace.id }

    static func run(
        _ database: TestDatabase, configure: @escaping @Sendable (inout LeadlightConfiguration) -> Void = { _ in },
        _ body: @Sendable (PublicSiteFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        let clock = ManualClock()
        let mail = FileManager.default.temporaryDirectory.appendingPathComponent("leadlight-mail-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: mail) }
        try await withTestApp(
            database,
            configure: {
                $0.clock = clock.wallClock
                $0.publicSite.mail.folder = mail.path
                configure(&$0)
            }
        ) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                try await body(
                    PublicSiteFixture(workspace: workspace, seed: seed, clock: clock, mailFolder: mail), client)
            }
        }
    }

    /// The workspace's events of `type`, oldest first.
    func events(_ type: EventType? = nil) async throws -> [Event] {
        try await Outbox(database: self.seed.database.sql).events(in: self.workspaceID)
            .filter { type == nil || $0.type == type }
    }

    func botsCaught() async throws -> Int {
        try await PublicProfileOperations(database: self.seed.database, clock: self.clock.wallClock)
            .profile(of: self.workspaceID).botsCaught
    }

    /// The emails written so far, oldest first.
    func mails() throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: self.mailFolder.path)) ?? []
        return try names.sorted().map {
            try String(contentsOf: self.mailFolder.appendingPathComponent($0), encoding: .utf8)
        }
    }

    /// Loads `page` as the visitor, and waits as long as a person takes to fill the form in.
    func open(_ page: String, as visitor: inout VisitorClient) async throws -> TestResponse {
        let response = try await visitor.get(page)
        self.clock.advance(by: 5)
        return response
    }
}
