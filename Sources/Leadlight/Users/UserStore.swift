import Foundation
import SQLKit

/// Every query that touches `users`.
package struct UserStore: Sendable {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) {
        self.database = database
    }

    /// Thrown when the email already belongs to a login on this server.
    package struct EmailTaken: Error, Equatable {
        package var email: String
    }

    func insert(_ user: User) async throws {
        do {
            try await self.database.insert(into: "users")
                .columns("id", "workspace_id", "email", "password_hash", "role", "created_at", "updated_at")
                .values(
                    SQLBind(user.id.rawValue), SQLBind(user.workspaceID.rawValue), SQLBind(user.email),
                    SQLBind(user.passwordHash), SQLBind(user.role.rawValue),
                    SQLBind(user.createdAt.millisecondsSince1970), SQLBind(user.updatedAt.millisecondsSince1970)
                )
                .run()
        } catch  where UniqueViolation.matches(error, column: "email") {
            throw EmailTaken(email: user.email)
        }
    }

    package func find(email: String) async throws -> User? {
        try await self.database.select().column("*").from("users")
            .where("email", .equal, email.lowercased())
            .first()
            .map(User.init(row:))
    }

    package func find(_ id: User.ID) async throws -> User? {
        try await self.database.select().column("*").from("users").where("id", .equal, id.rawValue).first()
            .map(User.init(row:))
    }

    func setPasswordHash(_ hash: String, of id: User.ID, at now: Date) async throws {
        try await self.database.update("users")
            .set("password_hash", to: hash)
            .set("updated_at", to: now.millisecondsSince1970)
            .where("id", .equal, id.rawValue)
            .run()
    }

    package func owners(of workspace: Workspace.ID) async throws -> [User] {
        try await self.database.select().column("*").from("users")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("role", .equal, UserRole.owner.rawValue)
            .all()
            .map(User.init(row:))
    }
}

extension User {
    init(row: any SQLRow) throws {
        self.init(
            id: ID(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: Workspace.ID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            email: try row.decode(column: "email", as: String.self),
            passwordHash: try row.decode(column: "password_hash", as: String.self),
            role: try row.decode(column: "role", as: UserRole.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self))
        )
    }
}
