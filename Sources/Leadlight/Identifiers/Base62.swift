/// Random strings over `0-9A-Za-z`, drawn from the system's cryptographic generator.
enum Base62 {
    static let alphabet: [Character] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// Each 64 random bits yield up to ten characters: 6-bit draws, the two values past 61 rejected, which keeps
    /// every character uniform. One system call per ten characters instead of one per character (ids are made
    /// a thousand at a time by the bulk upsert).
    static func random(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var characters: [Character] = []
        characters.reserveCapacity(count)
        var bits: UInt64 = 0
        var available = 0
        while characters.count < count {
            if available < 6 {
                bits = generator.next()
                available = 64
            }
            let index = Int(bits & 0x3F)
            bits >>= 6
            available -= 6
            if index < alphabet.count { characters.append(alphabet[index]) }
        }
        return String(characters)
    }

    static func isBase62(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
    }
}
