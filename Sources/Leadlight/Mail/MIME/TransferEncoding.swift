import Foundation

/// `Content-Transfer-Encoding` (RFC 2045 §6): base64 and quoted-printable decoded; 7bit, 8bit and binary as
/// they are.
enum TransferEncoding {
    static func decode(_ bytes: ArraySlice<UInt8>, encoding: String?) -> [UInt8] {
        switch encoding?.lowercased().trimmingCharacters(in: .whitespaces) {
        case "base64":
            return Data(base64Encoded: Data(bytes), options: .ignoreUnknownCharacters).map { Array($0) }
                ?? Array(bytes)
        case "quoted-printable": return Self.quotedPrintable(bytes)
        default: return Array(bytes)
        }
    }

    /// `=XX` is a byte, `=` at a line's end is a soft break; anything else, a lone `=` included, as sent.
    static func quotedPrintable<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] where Bytes.Index == Int {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "=") else {
                out.append(byte)
                index += 1
                continue
            }
            var next = index + 1
            while next < bytes.endIndex, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") {
                next += 1
            }
            if next < bytes.endIndex, bytes[next] == UInt8(ascii: "\r") { next += 1 }
            if next < bytes.endIndex, bytes[next] == UInt8(ascii: "\n") {
                index = next + 1  // soft line break
                continue
            }
            if let high = Self.hex(bytes, index + 1), let low = Self.hex(bytes, index + 2) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    private static func hex<Bytes: Collection<UInt8>>(_ bytes: Bytes, _ index: Int) -> UInt8? where Bytes.Index == Int {
        guard index < bytes.endIndex else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return bytes[index] - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return bytes[index] - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return bytes[index] - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
