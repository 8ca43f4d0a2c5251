/// Lower-case hexadecimal, for hashes. Foundation's `String(format: "%02x")` per byte is slow on Linux.
enum Hex {
    private static let digits: StaticString = "0123456789abcdef"

    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let bytes = Array(bytes)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { characters in
            Self.digits.withUTF8Buffer { digits in
                for (offset, byte) in bytes.enumerated() {
                    characters[2 * offset] = digits[Int(byte >> 4)]
                    characters[2 * offset + 1] = digits[Int(byte & 0x0F)]
                }
            }
            return bytes.count * 2
        }
    }
}
