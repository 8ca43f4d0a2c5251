import Crypto
import Foundation
import SQLKit

/// A visitor's sign-up as a client, waiting for them to open the link sent to their email. Only the SHA-256 of
/// the link's token is kept; the client is made when the link is used, within `lifetime`.
struct ClientSignUp: Sendable, Equatable {
    var workspaceID: Workspace.ID
    var name: String
    var email: String
    var phone: PhoneNumber?
    var consent: Consent?
    var createdAt: Date
    var expiresAt: Date
    var confirmedAt: Date?

    static let lifetime: TimeInterval = 48 * 60 * 60

    static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Data(token.utf8)))
    }
}

/// Every query that touches `client_signups`.
struct ClientSignUpStore: Sendable {
    let database: any SQLDatabase

    /// Stores the sign-up under a new token, which it returns; an earlier unconfirmed sign-up of the same email
    /// ends (its link stops working).
    func start(_ signUp: ClientSignUp) async throws -> String {
        try await self.database.delete(from: "client_signups")
            .where("workspace_id", .equal, signUp.workspaceID.rawValue).where("email", .equal, signUp.email)
            .where("confirmed_at", .is, SQLLiteral.null)
            .run()
        let token = Base62.random(count: 32)
        try await self.database.insert(into: "client_signups")
            .columns(
                "token_hash", "workspace_id", "name", "email", "phone", "consent_text", "consent_page", "created_at",
                "expires_at"
            )
            .values(
                SQLBind(ClientSignUp.hash(token)), SQLBind(signUp.workspaceID.rawValue), SQLBind(signUp.name),
                SQLBind(signUp.email), SQLBind.orNull(signUp.phone?.text), SQLBind.orNull(signUp.consent?.text),
                SQLBind.orNull(signUp.consent?.page), SQLBind(signUp.createdAt.millisecondsSince1970),
                SQLBind(signUp.expiresAt.millisecondsSince1970)
            )
            .run()
        return token
    }

    func find(token: String, in workspace: Workspace.ID) async throws -> ClientSignUp? {
        guard token.utf8.count <= 100 else { return nil }
        return try await self.database.select().column("*").from("client_signups")
            .where("token_hash", .equal, ClientSignUp.hash(token))
            .where("workspace_id", .equal, workspace.rawValue)
            .first()
            .map { row in
                let created = Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self))
                let consentText = try row.decodeIfPresent(column: "consent_text", as: String.self)
                let consentPage = try row.decodeIfPresent(column: "consent_page", as: String.self)
                return ClientSignUp(
                    workspaceID: workspace, name: try row.decode(column: "name", as: String.self),
                    email: try row.decode(column: "email", as: String.self),
                    phone: try row.decodeIfPresent(column: "phone", as: String.self).flatMap {
                        try? PhoneNumber(validating: $0)
                    },
                    consent: consentText.map { Consent(text: $0, page: consentPage ?? "", givenAt: created) },
                    createdAt: created,
                    expiresAt: Date(millisecondsSince1970: try row.decode(column: "expires_at", as: Int64.self)),
                    confirmedAt: try row.decodeIfPresent(column: "confirmed_at", as: Int64.self).map(
                        Date.init(millisecondsSince1970:)))
            }
    }

    /// Marks the sign-up confirmed; false when another request confirmed it first.
    func confirm(token: String, at now: Date) async throws -> Bool {
        let rows = try await self.database.update("client_signups")
            .set("confirmed_at", to: SQLBind(now.millisecondsSince1970))
            .where("token_hash", .equal, ClientSignUp.hash(token))
            .where("confirmed_at", .is, SQLLiteral.null)
            .returning("token_hash")
            .all()
        return !rows.isEmpty
    }
}
