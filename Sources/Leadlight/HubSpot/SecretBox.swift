import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Third-party secrets (a HubSpot token) kept encrypted at rest with a key that is not in the database: AES-GCM
/// with a 256-bit server key, so a copy of the database alone (a backup, a `pg_dump`) reveals no token. The key
/// is `LEADLIGHT_SECRET_KEY` (64 hex digits, or 32 bytes in base64), or, for a SQLite database without it, a file
/// beside the database (`leadlight.sqlite.key`, made on first need, readable by its owner only). PostgreSQL needs
/// the variable: its servers share one key, and there is no file they all see.
package struct SecretBox: Sendable {
    /// The key's bytes (`SymmetricKey` is not `Sendable`).
    private let keyBytes: [UInt8]

    package init(key: SymmetricKey) {
        self.keyBytes = key.withUnsafeBytes { Array($0) }
    }

    private var key: SymmetricKey { SymmetricKey(data: self.keyBytes) }

    /// The key could not be had: why, and what to do.
    package struct KeyUnavailable: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    /// A sealed secret that does not open: another key sealed it, or it was changed.
    package struct CannotOpen: Error, Sendable {}

    /// The server's box: its key from `LEADLIGHT_SECRET_KEY`, else the SQLite database's key file (made now if
    /// there is none).
    package static func server(environment: [String: String], database: DatabaseLocation) throws -> SecretBox {
        if let text = environment["LEADLIGHT_SECRET_KEY"], !text.isEmpty {
            guard let key = Self.key(from: text) else {
                throw KeyUnavailable(
                    description:
                        "LEADLIGHT_SECRET_KEY must be 64 hex digits or 32 bytes in base64 (openssl rand -hex 32)")
            }
            return SecretBox(key: key)
        }
        guard case .sqlite(let path) = database else {
            throw KeyUnavailable(
                description:
                    "set LEADLIGHT_SECRET_KEY (openssl rand -hex 32), the same on every server: on PostgreSQL it is "
                    + "the key third-party tokens are encrypted with")
        }
        return SecretBox(key: try Self.keyFile(path + ".key"))
    }

    /// `seal`'s text: `v1.` and the nonce, ciphertext and tag in base64.
    package func seal(_ secret: String) throws -> String {
        let box = try AES.GCM.seal(Data(secret.utf8), using: self.key)
        guard let combined = box.combined else { throw CannotOpen() }
        return "v1." + combined.base64EncodedString()
    }

    package func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix("v1."), let combined = Data(base64Encoded: String(sealed.dropFirst(3))),
            let box = try? AES.GCM.SealedBox(combined: combined),
            let opened = try? AES.GCM.open(box, using: self.key)
        else { throw CannotOpen() }
        return String(decoding: opened, as: UTF8.self)
    }

    static func key(from text: String) -> SymmetricKey? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.utf8.count == 64, let bytes = Self.hexBytes(trimmed) { return SymmetricKey(data: bytes) }
        if let data = Data(base64Encoded: trimmed), data.count == 32 { return SymmetricKey(data: data) }
        return nil
    }

    /// 64 hex digits as 32 bytes.
    private static func hexBytes(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var high: UInt8?
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return high == nil ? bytes : nil
    }

    /// The key in `path`, or a new one written there first: created only if no file is there (owner read and
    /// write only), so two processes starting at once end with the same key.
    private static func keyFile(_ path: String) throws -> SymmetricKey {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if descriptor >= 0 {
            let key = SymmetricKey(size: .bits256)
            let line = Array((key.withUnsafeBytes { Hex.encode(Array($0)) } + "\n").utf8)
            let written = line.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            Glibc.fsync(descriptor)
            Glibc.close(descriptor)
            guard written == line.count else {
                try? FileManager.default.removeItem(atPath: path)
                throw KeyUnavailable(description: "cannot write the secret key file \(path)")
            }
            return key
        }
        guard errno == EEXIST else { throw KeyUnavailable(description: "cannot create the secret key file \(path)") }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let key = Self.key(from: text) else {
            throw KeyUnavailable(description: "\(path) does not hold a key (64 hex digits)")
        }
        return key
    }
}
