import HummingbirdBcrypt
import NIOPosix

/// bcrypt for dashboard passwords. A hash takes ~230 ms at cost 12, so it runs on the thread pool,
/// never on an event loop; tests lower the cost.
package struct PasswordHasher: Sendable {
    package static let minimumLength = 8
    package var cost: UInt8

    package init(cost: UInt8 = 12) {
        self.cost = cost
    }

    package func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    package func verify(_ password: String, against hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A password for a login nobody chose one for: 20 base62 characters, printed once.
    package static func generatePassword() -> String {
        Base62.random(count: 20)
    }

    package static func validate(_ password: String, field: String = "password") throws -> String {
        guard password.count >= Self.minimumLength else {
            throw ValidationFailure(field: field, message: "must be at least \(Self.minimumLength) characters")
        }
        guard password.utf8.count <= 72 else {  // bcrypt reads only the first 72 bytes
            throw ValidationFailure(field: field, message: "must be at most 72 bytes")
        }
        return password
    }
}
