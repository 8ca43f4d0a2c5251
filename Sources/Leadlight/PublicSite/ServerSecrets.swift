import Foundation
import SQLKit
import Synchronization

/// Keys this server keeps in its database (`server_secrets`), made once by a migration, so that every process
/// on one PostgreSQL signs and checks with the same one. Read once per process and kept.
final class ServerSecrets: Sendable {
    static let formSigningKey = "public-form-signing"
    static let inboundAddressKey = "inbound-email-address"

    private let database: any SQLDatabase
    private let loaded = Mutex<[String: String]>([:])

    init(database: any SQLDatabase) {
        self.database = database
    }

    /// 256 random bits, as base62.
    static func random() -> String {
        Base62.random(count: 43)
    }

    func value(_ name: String) async throws -> String {
        if let value = self.loaded.withLock({ $0[name] }) { return value }
        guard
            let row = try await self.database.select().column("value").from("server_secrets")
                .where("name", .equal, name).first()
        else { throw Missing(name: name) }
        let value = try row.decode(column: "value", as: String.self)
        self.loaded.withLock { $0[name] = value }
        return value
    }

    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String { "The server secret \(self.name) is missing: run `leadlight migrate`." }
    }
}
