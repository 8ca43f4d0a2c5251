import Crypto
import Foundation
import SQLKit

/// A signed-in browser: the owner's login and workspace, the token of its forms (CSRF), and how long it lasts.
/// The cookie holds a random token; the database only its SHA-256, so a copy of the database signs nobody in.
package struct DashboardSession: Sendable, Equatable {
    package var tokenHash: String
    package var userID: User.ID
    package var workspaceID: Workspace.ID
    /// Every state-changing form of this session carries it; a POST without it changes nothing.
    package var csrfToken: String
    package var createdAt: Date
    package var lastSeenAt: Date
    package var expiresAt: Date

    /// Idle for this long, a session ends.
    static let idleTimeout: TimeInterval = 12 * 60 * 60
    /// However active, a session ends this long after sign-in.
    static let maximumAge: TimeInterval = 7 * 24 * 60 * 60
    /// `lastSeenAt` is written at most this often.
    static let touchInterval: TimeInterval = 60

    static let cookieName = "leadlight_session"

    static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Data(token.utf8)))
    }
}

/// Every query that touches `dashboard_sessions`.
struct DashboardSessionStore: Sendable {
    let database: any SQLDatabase

    /// A new session for `user` and the token for its cookie (shown to the browser only).
    func create(for user: User, at now: Date) async throws -> (token: String, session: DashboardSession) {
        let token = Base62.random(count: 43)
        let session = DashboardSession(
            tokenHash: DashboardSession.hash(token), userID: user.id, workspaceID: user.workspaceID,
            csrfToken: Base62.random(count: 32), createdAt: now, lastSeenAt: now,
            expiresAt: now.addingTimeInterval(DashboardSession.idleTimeout)
        )
        try await self.database.insert(into: "dashboard_sessions")
            .columns("token_hash", "user_id", "workspace_id", "csrf_token", "created_at", "last_seen_at", "expires_at")
            .values(
                SQLBind(session.tokenHash), SQLBind(session.userID.rawValue), SQLBind(session.workspaceID.rawValue),
                SQLBind(session.csrfToken), SQLBind(now.millisecondsSince1970), SQLBind(now.millisecondsSince1970),
                SQLBind(session.expiresAt.millisecondsSince1970)
            )
            .run()
        return (token, session)
    }

    /// The live session of the cookie's token, nil when there is none or it has expired.
    func find(token: String, at now: Date) async throws -> DashboardSession? {
        try await self.database.select().column("*").from("dashboard_sessions")
            .where("token_hash", .equal, DashboardSession.hash(token))
            .where("expires_at", .greaterThan, now.millisecondsSince1970)
            .first()
            .map(DashboardSession.init(row:))
    }

    /// Moves the idle deadline on (never past the session's maximum age).
    func touch(_ session: DashboardSession, at now: Date) async throws {
        let deadline = min(
            now.addingTimeInterval(DashboardSession.idleTimeout),
            session.createdAt.addingTimeInterval(DashboardSession.maximumAge))
        try await self.database.update("dashboard_sessions")
            .set("last_seen_at", to: now.millisecondsSince1970)
            .set("expires_at", to: deadline.millisecondsSince1970)
            .where("token_hash", .equal, session.tokenHash)
            .run()
    }

    func delete(_ session: DashboardSession) async throws {
        try await self.database.delete(from: "dashboard_sessions").where("token_hash", .equal, session.tokenHash).run()
    }

    /// Ends every session of the login but `kept` (after a password change).
    func deleteAll(of user: User.ID, except kept: DashboardSession) async throws {
        try await self.database.delete(from: "dashboard_sessions")
            .where("user_id", .equal, user.rawValue)
            .where("token_hash", .notEqual, kept.tokenHash)
            .run()
    }
}

extension DashboardSession {
    /// Reads the columns in the table's order (`RowColumns`): every dashboard page reads its session.
    init(row: any SQLRow) throws {
        var row = RowColumns(row)
        self.init(
            tokenHash: try row.text("token_hash"),
            userID: User.ID(rawValue: try row.text("user_id")),
            workspaceID: Workspace.ID(rawValue: try row.text("workspace_id")),
            csrfToken: try row.text("csrf_token"),
            createdAt: Date(millisecondsSince1970: try row.int64("created_at")),
            lastSeenAt: Date(millisecondsSince1970: try row.int64("last_seen_at")),
            expiresAt: Date(millisecondsSince1970: try row.int64("expires_at"))
        )
    }
}
