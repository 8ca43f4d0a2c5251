#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as network-order bytes: whether it is on the public internet (webhook targets), in a
/// range (trusted proxies).
enum IPAddress: Sendable, Equatable, CustomStringConvertible {
    case v4([UInt8])
    case v6([UInt8])

    /// The address a host written as a standard literal names (`203.0.113.7`, `2001:db8::1`); nil for a name, or
    /// for another spelling (`2130706433`), which only a resolver reads.
    init?(literal text: String) {
        guard !text.utf8.contains(0) else { return nil }  // C would read only up to it
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(v4)
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self.init(v6)
            return
        }
        return nil
    }

    /// The bytes, 4 or 16.
    var bytes: [UInt8] {
        switch self {
        case .v4(let bytes), .v6(let bytes): bytes
        }
    }

    init(_ address: in_addr) {
        self = .v4(withUnsafeBytes(of: address) { Array($0) })
    }

    init(_ address: in6_addr) {
        self = .v6(withUnsafeBytes(of: address) { Array($0) })
    }

    var isPublic: Bool {
        switch self {
        case .v4(let b):
            switch (b[0], b[1]) {
            case (0, _), (10, _), (127, _): return false  // "this network", private, loopback
            case (100, 64...127): return false  // carrier-grade NAT
            case (169, 254): return false  // link-local, cloud metadata
            case (172, 16...31), (192, 168): return false  // private
            case (192, 0) where b[2] == 0 || b[2] == 2: return false  // IETF protocol assignments, TEST-NET-1
            case (198, 18...19): return false  // benchmarking
            case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return false  // TEST-NET-2, -3
            case (224...255, _): return false  // multicast, reserved, broadcast
            default: return true
            }
        case .v6(let b):
            if b[0..<15].allSatisfy({ $0 == 0 }) { return false }  // :: and ::1
            if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF {
                return IPAddress.v4(Array(b[12..<16])).isPublic  // IPv4-mapped
            }
            if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B {
                return IPAddress.v4(Array(b[12..<16])).isPublic  // NAT64
            }
            if b[0] & 0xFE == 0xFC { return false }  // unique local fc00::/7
            if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return false }  // link-local fe80::/10
            if b[0] == 0xFF { return false }  // multicast
            if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return false }  // documentation
            return true
        }
    }

    /// Written the usual way (RFC 5952 for IPv6): `203.0.113.7`, `2001:db8::1`.
    var description: String {
        var address = self.bytes
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = address.count == 4 ? AF_INET : AF_INET6
        guard inet_ntop(family, &address, &buffer, socklen_t(buffer.count)) != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
