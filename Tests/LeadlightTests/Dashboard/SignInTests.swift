import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// The dashboard's door: the owner login signs in, sessions live in the database and end server-side, and
/// every state-changing form is guarded by the session's CSRF token and the browser's `Origin` (issue 10).
@Suite struct SignInTests {
    @Test(arguments: TestDatabase.available)
    func aSignedOutVisitorIsSentToTheSignInForm(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, _ in
            try await app.test(.router) { client in
                let root = try await client.execute(uri: "/", method: .get)
                #expect(root.status == .seeOther)
                #expect(root.headers[.location] == "/login")
                let login = try await client.execute(uri: "/login", method: .get)
                #expect(login.status == .ok)
                #expect(login.headers[.contentType] == "text/html; charset=utf-8")
                for text in [
                    #"<label for="email">Email</label>"#, #"<label for="password">Password</label>"#,
                    ">Sign in</button>",
                ] {
                    #expect(login.text.contains(text), "\(text)")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func theOwnerLoginSignsInWithAnHttpOnlyLaxCookieAndSeesTheWorkspace(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                let signedIn = try await browser.signIn(workspace.owner.email)
                #expect(signedIn.status == .seeOther)
                #expect(signedIn.headers[.location] == "/")
                let cookie = try #require(signedIn.headers[.setCookie])
                #expect(cookie.hasPrefix("leadlight_session="))
                for attribute in ["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age="] {
                    #expect(cookie.contains(attribute), "\(attribute)")
                }
                #expect(!cookie.contains("Secure"))
                let overview = try await browser.get("/")
                #expect(overview.status == .ok)
                #expect(overview.text.contains(workspace.workspace.name))
                // the database holds the token's hash, never the token
                let token = String(cookie.split(separator: ";")[0].dropFirst("leadlight_session=".count))
                let rows = try await seed.database.sql.select().column("token_hash").from("dashboard_sessions").all()
                let hashes = try rows.map { try $0.decode(column: "token_hash", as: String.self) }
                #expect(hashes == [DashboardSession.hash(token)])
                #expect(!hashes.contains(token))
            }
        }
    }

    @Test func theCookieIsSecureWhenConfiguredOrBehindAnHTTPSProxy() async throws {
        try await withTestApp(.sqlite, configure: { $0.secureCookies = true }) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                let signedIn = try await browser.signIn(workspace.owner.email)
                #expect(try #require(signedIn.headers[.setCookie]).hasSuffix("; Secure"))
            }
        }
        try await withTestApp(.sqlite) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                let proxied = try await browser.post(
                    "/login", ["email": workspace.owner.email, "password": "correct horse battery"],
                    headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
                #expect(try #require(proxied.headers[.setCookie]).hasSuffix("; Secure"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aWrongPasswordAndAnUnknownEmailGetTheSameAnswerAndNoSession(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                let wrong = try await browser.signIn(workspace.owner.email, "not the password")
                let unknown = try await browser.signIn("nobody@example.com", "not the password")
                for answer in [wrong, unknown] {
                    #expect(answer.status == .unauthorized)
                    #expect(answer.headers[.setCookie] == nil)
                    #expect(answer.text.contains("The email or password is not right."))
                }
                #expect(
                    wrong.text.replacingOccurrences(of: workspace.owner.email, with: "")
                        == unknown.text.replacingOccurrences(of: "nobody@example.com", with: ""))
                #expect(
                    try await seed.database.sql.select().column("token_hash").from("dashboard_sessions").all().isEmpty)
            }
        }
    }

    @Test func attemptsAreLimitedPerAccountAndPerAddress() async throws {
        // time stands still: on a busy machine the attempts could otherwise straddle two windows of the limit
        let clock = ManualClock()
        try await withTestApp(.sqlite, configure: { $0.clock = clock.wallClock }) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                for _ in 0..<SignInController.attemptsPerAccount {
                    #expect(try await browser.signIn(workspace.owner.email, "guess").status == .unauthorized)
                }
                // past the limit even the right password is turned away, with when to try again
                let limited = try await browser.signIn(workspace.owner.email)
                #expect(limited.status == .tooManyRequests)
                #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
                #expect(limited.text.contains("Too many sign-in attempts"))
                // other accounts from the same address, until the address's own limit
                let remaining = SignInController.attemptsPerAddress - SignInController.attemptsPerAccount - 1
                for attempt in 0..<remaining {
                    #expect(try await browser.signIn("other\(attempt)@example.com", "guess").status == .unauthorized)
                }
                #expect(try await browser.signIn("one-more@example.com", "guess").status == .tooManyRequests)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func signingOutEndsTheSessionOnTheServer(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                let stolen = browser  // a copy of the cookie, as an attacker who read it would hold
                let signedOut = try await browser.post("/logout", [:])
                #expect(signedOut.status == .seeOther)
                #expect(signedOut.headers[.location] == "/login")
                #expect(signedOut.headers[.setCookie]?.contains("Max-Age=0") == true)
                var replay = stolen
                #expect(try await replay.get("/").headers[.location] == "/login")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func eachSignInStartsANewSessionAndEndsTheBrowsersOldOne(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                var before = browser
                let again = try await browser.post(
                    "/login", ["email": workspace.owner.email, "password": "correct horse battery"], csrf: true)
                #expect(again.status == .seeOther)
                #expect(browser.cookie != before.cookie)
                #expect(try await before.get("/").headers[.location] == "/login")
                #expect(try await browser.get("/").status == .ok)
            }
        }
    }

    @Test func aSessionEndsWhenIdleAndAtItsMaximumAge() async throws {
        let clock = ManualClock()
        try await withTestApp(.sqlite, configure: { $0.clock = clock.wallClock }) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var idle = DashboardClient(client)
                try await idle.signIn(workspace.owner.email)
                clock.advance(by: DashboardSession.idleTimeout + 1)
                #expect(try await idle.get("/").headers[.location] == "/login")

                var busy = DashboardClient(client)
                try await busy.signIn(workspace.owner.email)
                var elapsed: TimeInterval = 0
                while elapsed + DashboardSession.idleTimeout / 2 < DashboardSession.maximumAge {
                    clock.advance(by: DashboardSession.idleTimeout / 2)
                    elapsed += DashboardSession.idleTimeout / 2
                    #expect(try await busy.get("/").status == .ok)
                }
                clock.advance(by: DashboardSession.maximumAge - elapsed + 1)
                #expect(try await busy.get("/").headers[.location] == "/login")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aFormWithoutTheSessionsTokenOrWithAnothersIsRefusedAndChangesNothing(on database: TestDatabase)
        async throws
    {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                var other = DashboardClient(client)
                try await other.signIn(workspace.owner.email)
                let missing = try await browser.post("/logout", [:], csrf: false)
                let another = try await browser.post("/logout", ["_csrf": try #require(other.csrfToken)])
                let empty = try await browser.post("/logout", ["_csrf": ""])
                for answer in [missing, another, empty] {
                    #expect(answer.status == .forbidden)
                    #expect(answer.text.contains("This form has expired"))
                }
                #expect(try await browser.get("/").status == .ok)  // still signed in
            }
        }
    }

    @Test func aFormFromAnotherOriginIsRefused() async throws {
        try await withTestApp(.sqlite) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                let forged = try await browser.post(
                    "/login", ["email": workspace.owner.email, "password": "correct horse battery"], csrf: false,
                    headers: [.origin: "https://evil.example"])
                #expect(forged.status == .forbidden)
                #expect(forged.headers[.setCookie] == nil)
                try await browser.signIn(workspace.owner.email)
                let logout = try await browser.post("/logout", [:], headers: [.origin: "https://evil.example"])
                #expect(logout.status == .forbidden)
                #expect(try await browser.get("/").status == .ok)
            }
        }
    }

    @Test(arguments: [
        ("/leads?status=new", "/leads?status=new"), ("//evil.example/x", "/"), ("https://evil.example", "/"),
        ("/\\evil.example", "/"), ("javascript:alert(1)", "/"), ("", "/"),
    ])
    func afterSignInTheBrowserGoesOnlyToAPageOfThisSite(next: String, location: String) async throws {
        try await withTestApp(.sqlite) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                let signedIn = try await browser.signIn(workspace.owner.email, next: next)
                #expect(signedIn.headers[.location] == location)
            }
        }
    }

    @Test func aDeepLinkComesBackAfterSignIn() async throws {
        try await withTestApp(.sqlite) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                let away = try await browser.get("/leads?status=new&q=ada")
                let location = try #require(away.headers[.location])
                #expect(location.hasPrefix("/login?next="))
                let page = try await browser.get(location)
                let next = try #require(page.text.range(of: #"name="next" value=""#)).upperBound
                let value = String(page.text[next...].prefix { $0 != "\"" }).replacingOccurrences(
                    of: "&amp;", with: "&")
                #expect(value == "/leads?status=new&q=ada")
                #expect(try await browser.signIn(workspace.owner.email, next: value).headers[.location] == value)
            }
        }
    }

    @Test func everyPageCarriesTheSecurityHeaders() async throws {
        try await withTestApp(.sqlite) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                let login = try await browser.get("/login")
                try await browser.signIn(workspace.owner.email)
                var pages = [login]
                for path in [
                    "/", "/leads", "/leads/new", "/clients", "/listings", "/listings/new", "/showings", "/offerings",
                    "/offerings/new", "/settings", "/settings/api",
                ] {
                    let page = try await browser.get(path)
                    #expect(page.status == .ok, "\(path)")
                    pages.append(page)
                }
                let missing = try await browser.get("/no-such-page")
                for page in pages {
                    let policy = try #require(page.headers[.contentSecurityPolicy])
                    #expect(policy.contains("script-src 'self'"))
                    #expect(policy.contains("frame-ancestors 'none'"))
                    #expect(page.headers[.xContentTypeOptions] == "nosniff")
                    #expect(page.headers[.cacheControl] == "no-store")
                }
                #expect(missing.status == .notFound)
            }
        }
    }

    @Test func aLeadsNameIsShownAsTextOnTheOverview() async throws {
        try await withTestApp(.sqlite) { app, seed in
            let workspace = try await seed.workspace()
            let name = "<img src=x onerror=alert(1)>"
            try await app.test(.router) { client in
                _ = try await client.create(
                    "/api/v1/leads", ["name": name], idKey: "leadId", key: workspace.apiKey.value)
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                let overview = try await browser.get("/")
                #expect(overview.text.contains("&lt;img src=x onerror=alert(1)&gt;"))
                #expect(!overview.text.contains(name))
            }
        }
    }
}
