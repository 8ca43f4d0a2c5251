import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import Leadlight

/// Two `leadlight serve` processes on one PostgreSQL, as behind a load balancer: a session made by one is known
/// to the other, its CSRF token guards forms on both, and signing out on one ends it on both (issue 10).
@Suite(.enabled(if: TestDatabase.available.contains(.postgres)), .takingTurns)
struct SharedSessionTests {
    @Test func aSessionMadeByOneProcessWorksOnTheOtherAndEndsOnBoth() async throws {
        try await TestDatabase.postgres.withFreshLocation { location in
            guard case .postgres(let url) = location else { return }
            let database = try await LeadlightDatabase.open(location, logger: TestDatabase.logger)
            try await Migrator(database: database).migrate(logger: TestDatabase.logger)
            let workspace = try await TestSeed(database: database, clock: .system).workspace()
            let environment = ["LEADLIGHT_DATABASE_URL": url]
            let first = try await ServerProcess.start(environment: environment)
            let second = try await ServerProcess.start(environment: environment)
            let http = HTTPClient(
                eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            do {
                let signedIn = try await LiveHTTP.send(
                    .POST, "\(first.baseURL)/login",
                    form: [("email", workspace.owner.email), ("password", "correct horse battery")], http: http)
                #expect(signedIn.status == 303)
                let cookie = try #require(signedIn.cookie)
                #expect(cookie.hasPrefix("leadlight_session="))

                // the other process knows the session and its token
                let page = try await LiveHTTP.send(.GET, "\(second.baseURL)/leads/new", cookie: cookie, http: http)
                #expect(page.status == 200)
                let csrf = try #require(DashboardClient.csrfToken(in: page.body))
                let added = try await LiveHTTP.send(
                    .POST, "\(second.baseURL)/leads", form: [("_csrf", csrf), ("name", "Shared Session Lead")],
                    cookie: cookie, http: http)
                #expect(added.status == 303)
                let inbox = try await LiveHTTP.send(.GET, "\(first.baseURL)/leads", cookie: cookie, http: http)
                #expect(inbox.body.contains("Shared Session Lead"))

                // no token, or another session's, changes nothing on either process
                let other = try await LiveHTTP.send(
                    .POST, "\(second.baseURL)/login",
                    form: [("email", workspace.owner.email), ("password", "correct horse battery")], http: http)
                let otherCookie = try #require(other.cookie)
                let otherCSRF = try #require(
                    DashboardClient.csrfToken(
                        in: try await LiveHTTP.send(.GET, "\(second.baseURL)/", cookie: otherCookie, http: http).body))
                #expect(otherCSRF != csrf)
                for (server, form) in [
                    (first, [("name", "Forged")]), (second, [("_csrf", otherCSRF), ("name", "Forged")]),
                ] {
                    let forged = try await LiveHTTP.send(
                        .POST, "\(server.baseURL)/leads", form: form, cookie: cookie, http: http)
                    #expect(forged.status == 403)
                }
                let leads = try await LeadStore(database: database.sql).list(LeadQuery(), in: workspace.workspace.id)
                #expect(leads.leads.map(\.name) == ["Shared Session Lead"])

                // signing out on one process ends the session on the other
                let out = try await LiveHTTP.send(
                    .POST, "\(second.baseURL)/logout", form: [("_csrf", csrf)], cookie: cookie, http: http)
                #expect(out.status == 303)
                let after = try await LiveHTTP.send(.GET, "\(first.baseURL)/leads", cookie: cookie, http: http)
                #expect(after.status == 303)
                #expect(after.location?.hasPrefix("/login") == true)
                #expect(
                    try await LiveHTTP.send(.GET, "\(first.baseURL)/", cookie: otherCookie, http: http).status == 200)
            } catch {
                try? await http.shutdown()
                await first.stop()
                await second.stop()
                await database.close()
                throw error
            }
            try await http.shutdown()
            await first.stop()
            await second.stop()
            await database.close()
        }
    }
}
