import Foundation
import HTTPTypes
import Hummingbird

/// `/login` and `/logout`: the owner login that `workspace create` and the first run print signs in here.
struct SignInController {
    let database: LeadlightDatabase
    let clock: WallClock
    let hasher: PasswordHasher
    let limiter: any RateLimiter
    let secureCookies: Bool
    let pages: DashboardPages

    /// Sign-in attempts allowed per minute from one address, and for one account from anywhere.
    static let attemptsPerAddress = 20
    static let attemptsPerAccount = 5

    struct SignInPage: Sendable {
        var email: String
        var next: String
        var error: String?
        var signedIn = false
    }

    func addRoutes(to group: RouterGroup<APIContext>) {
        group.get("login", use: self.show)
        group.post("login", use: self.signIn)
        group.post("logout", use: self.signOut)
    }

    func show(_ request: Request, context: APIContext) async throws -> Response {
        let next = SafeRedirect.path(request.uri.queryParameters.get("next"))
        if context.session != nil { return DashboardPages.redirect(to: next) }
        return self.pages.render("login", SignInPage(email: "", next: next, error: nil))
    }

    /// One message for an unknown email and a wrong password, so the form says nothing of who has a login.
    func signIn(_ request: Request, context: APIContext) async throws -> Response {
        let form = DashboardForm(try await request.body.collect(upTo: context.maxRequestBodyBytes))
        let email = TextRules.trimmed(form["email"] ?? "").lowercased()
        let password = form["password"] ?? ""
        let next = SafeRedirect.path(form["next"])
        let now = self.clock.now
        let address = context.clientAddress
        let byAddress = try await self.limiter.consume(
            bucket: "sign-in:address:\(address)", limit: Self.attemptsPerAddress, now: now)
        let byAccount = try await self.limiter.consume(
            bucket: "sign-in:account:\(email)", limit: Self.attemptsPerAccount, now: now)
        guard byAddress.isAllowed, byAccount.isAllowed else {
            let wait = max(byAddress.retryAfterSeconds(now: now), byAccount.retryAfterSeconds(now: now))
            var response = self.pages.render(
                "login",
                SignInPage(
                    email: email, next: next,
                    error: "Too many sign-in attempts. Wait \(wait) seconds, then try again."),
                status: .tooManyRequests)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        let user = try await UserStore(database: self.database.sql).find(email: email)
        let matches: Bool
        if let user {
            matches = try await self.hasher.verify(password, against: user.passwordHash)
        } else {
            _ = try await self.hasher.hash(password)  // as long as a wrong password takes
            matches = false
        }
        guard let user, matches else {
            context.logger.info("Sign-in refused", metadata: ["address": .string(address)])
            return self.pages.render(
                "login", SignInPage(email: email, next: next, error: "The email or password is not right."),
                status: .unauthorized)
        }
        // a new session, and a new token, at every sign-in; an old cookie of this browser ends with it
        if let old = context.session {
            try await self.database.transaction { tx in try await DashboardSessionStore(database: tx).delete(old) }
        }
        let (token, _) = try await self.database.transaction { tx in
            try await DashboardSessionStore(database: tx).create(for: user, at: now)
        }
        // Secure when configured, or when a proxy in front says the browser came over HTTPS
        let secure = self.secureCookies || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
        return DashboardPages.redirect(to: next, headers: [.setCookie: self.cookie(token, secure: secure)])
    }

    func signOut(_ request: Request, context: APIContext) async throws -> Response {
        if let session = context.session {
            try await self.database.transaction { tx in try await DashboardSessionStore(database: tx).delete(session) }
        }
        return DashboardPages.redirect(to: "/login", headers: [.setCookie: self.cookie("", maxAge: 0)])
    }

    private func cookie(_ token: String, maxAge: Int = Int(DashboardSession.maximumAge), secure: Bool? = nil)
        -> String
    {
        "\(DashboardSession.cookieName)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax"
            + (secure ?? self.secureCookies ? "; Secure" : "")
    }
}
