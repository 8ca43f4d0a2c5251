import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// 127.0.0.1:`port` as the socket calls take it, for the tests that open sockets themselves.
enum LoopbackAddress {
    /// Calls `body` (`bind`, `connect`) with the address and its length.
    static func with<T>(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// A port on 127.0.0.1 that nothing listens on now (the system's pick for a socket bound to port 0, closed
    /// again): for a server whose port must be known before it starts, or a port that refuses connections.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        guard Self.with(port: 0, { bind(socket, $0, $1) }) == 0 else { throw NoFreePort() }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct NoFreePort: Error {}
}
