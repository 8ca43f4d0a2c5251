import Crypto
import Foundation
import Testing

@testable import Leadlight

/// Third-party tokens encrypted with a key outside the database.
@Suite struct SecretBoxTests {
    @Test func aSealedSecretOpensWithItsKeyAloneAndUnchanged() throws {
        let box = SecretBox(key: SymmetricKey(size: .bits256))
        let sealed = try box.seal(HubSpotStandIn.token)
        #expect(sealed.hasPrefix("v1.") && !sealed.contains(HubSpotStandIn.token))
        #expect(try box.open(sealed) == HubSpotStandIn.token)
        #expect(try box.seal("same") != box.seal("same"), "a fresh nonce each time")
        #expect(throws: SecretBox.CannotOpen.self) { try SecretBox(key: SymmetricKey(size: .bits256)).open(sealed) }
        var tampered = Array(sealed)
        tampered[tampered.count - 3] = tampered[tampered.count - 3] == "A" ? "B" : "A"
        #expect(throws: SecretBox.CannotOpen.self) { try box.open(String(tampered)) }
        #expect(throws: SecretBox.CannotOpen.self) { try box.open("v1.not base64!") }
    }

    @Test func theKeyComesFromTheEnvironmentOrAFileBesideTheSQLiteDatabase() throws {
        let directory = try makeTemporaryDirectory("leadlight-secret-box")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = DatabaseLocation.sqlite(path: directory.appendingPathComponent("db.sqlite").path)
        let first = try SecretBox.server(environment: [:], database: database)
        let keyFile = directory.appendingPathComponent("db.sqlite.key").path
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let again = try SecretBox.server(environment: [:], database: database)
        #expect(try again.open(try first.seal("token")) == "token", "the file's key is used again")

        let hex = String(repeating: "ab", count: 32)
        let fromHex = try SecretBox.server(environment: ["LEADLIGHT_SECRET_KEY": hex], database: database)
        let fromBase64 = try SecretBox.server(
            environment: ["LEADLIGHT_SECRET_KEY": Data(repeating: 0xAB, count: 32).base64EncodedString()],
            database: database)
        #expect(try fromBase64.open(try fromHex.seal("x")) == "x")
        #expect(throws: SecretBox.KeyUnavailable.self) {
            try SecretBox.server(environment: ["LEADLIGHT_SECRET_KEY": "short"], database: database)
        }
        #expect(throws: SecretBox.KeyUnavailable.self) {
            try SecretBox.server(environment: [:], database: .postgres(url: "postgres://127.0.0.1/x"))
        }
        try "not a key".write(toFile: keyFile, atomically: true, encoding: .utf8)
        #expect(throws: SecretBox.KeyUnavailable.self) { try SecretBox.server(environment: [:], database: database) }
    }
}
