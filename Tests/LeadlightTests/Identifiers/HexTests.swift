import Crypto
import Foundation
import Testing

@testable import Leadlight

/// `Hex` writes what `String(format: "%02x")` writes for each byte, for every byte and for digests: stored hashes
/// (API keys, sessions, upsert fingerprints) are compared as this text, so it must never change.
@Suite struct HexTests {
    @Test func eachByteIsTwoLowerCaseDigits() {
        let everyByte = (0...255).map(UInt8.init)
        #expect(Hex.encode(everyByte) == everyByte.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.encode([UInt8]()) == "")
        let digest = SHA256.hash(data: Array("abc".utf8))
        #expect(Hex.encode(digest) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest.withUnsafeBytes { Hex.encode($0.prefix(16)) } == "ba7816bf8f01cfea414140de5dae2223")
    }
}
