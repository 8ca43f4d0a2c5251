import HTTPTypes
import Hummingbird

/// The proxies in front of the server (nginx, a cloud load balancer) whose `X-Forwarded-For` is believed, from
/// `LEADLIGHT_TRUSTED_PROXIES`: addresses and CIDR ranges, IPv4 or IPv6. Behind a proxy every request comes from
/// the proxy's address; the limits kept per visitor's address (sign-in attempts, the public site's forms) need
/// the visitor's. A request whose peer is not a trusted proxy is taken at its peer's address, whatever headers it
/// sends: anyone can write an `X-Forwarded-For`.
package struct TrustedProxies: Sendable, Equatable {
    /// An address range: the first `prefixLength` bits of `bytes` (4 bytes for IPv4, 16 for IPv6).
    struct Range: Sendable, Equatable {
        var bytes: [UInt8]
        var prefixLength: Int

        func contains(_ address: IPAddress) -> Bool {
            let address = address.bytes
            guard address.count == self.bytes.count else { return false }
            let whole = self.prefixLength / 8
            guard address.prefix(whole) == self.bytes.prefix(whole) else { return false }
            let rest = self.prefixLength % 8
            guard rest > 0 else { return true }
            let mask = UInt8(0xFF) << (8 - rest)
            return address[whole] & mask == self.bytes[whole] & mask
        }
    }

    private(set) var ranges: [Range] = []

    /// The most hops of `X-Forwarded-For` looked at, from the right: more proxies than this are not a real chain.
    static let maximumHops = 16

    package init() {}

    /// `10.0.0.5, 10.1.0.0/16, ::1, fd00::/8`: commas or spaces between entries. Throws `InvalidRange` naming the
    /// first entry that is not an address or a range.
    package init(_ text: String) throws(InvalidRange) {
        for entry in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, let bytes = IPAddress(literal: String(parts[0]))?.bytes else {
                throw InvalidRange(entry: String(entry))
            }
            let prefixLength: Int
            if parts.count == 2 {
                guard let length = Int(parts[1]), (0...bytes.count * 8).contains(length) else {
                    throw InvalidRange(entry: String(entry))
                }
                prefixLength = length
            } else {
                prefixLength = bytes.count * 8
            }
            self.ranges.append(Range(bytes: bytes, prefixLength: prefixLength))
        }
    }

    package struct InvalidRange: Error, Equatable {
        package var entry: String
    }

    package var isEmpty: Bool { self.ranges.isEmpty }

    func contains(_ address: IPAddress) -> Bool {
        self.ranges.contains { $0.contains(address) }
    }

    /// The visitor's address for a request from `peer` carrying the `X-Forwarded-For` values `forwardedFor`:
    /// the peer's own unless it is a trusted proxy; then, reading the header from the right (each proxy appends
    /// the address it was reached from), the first address that is not a trusted proxy. An entry that is not an
    /// address ends the walk at the last one that was: garbage in the header never becomes a visitor's address.
    package func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, let peerAddress = IPAddress(literal: peer), self.contains(peerAddress) else { return peer }
        var client = peerAddress
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.suffix(Self.maximumHops)
        for hop in hops.reversed() {
            guard let address = ForwardedHop.address(hop) else { break }
            client = address
            if !self.contains(address) { break }
        }
        return client.description
    }
}

/// An `X-Forwarded-For` hop: an address, with spaces around it and the port some proxies add
/// (`203.0.113.7:41234`, `[2001:db8::1]:443`); nil when it is anything else.
enum ForwardedHop {
    static func address(_ hop: Substring) -> IPAddress? {
        var trimmed = hop
        while trimmed.first == " " || trimmed.first == "\t" { trimmed = trimmed.dropFirst() }
        while trimmed.last == " " || trimmed.last == "\t" { trimmed = trimmed.dropLast() }
        guard !trimmed.isEmpty, trimmed.utf8.count <= 64 else { return nil }
        if trimmed.hasPrefix("["), let end = trimmed.firstIndex(of: "]") {
            trimmed = trimmed[trimmed.index(after: trimmed.startIndex)..<end]
        } else if trimmed.utf8.filter({ $0 == UInt8(ascii: ":") }).count == 1, let colon = trimmed.firstIndex(of: ":") {
            trimmed = trimmed[..<colon]
        }
        return IPAddress(literal: String(trimmed))
    }
}

/// Reads the visitor's address out of `X-Forwarded-For` for a request that came through a trusted proxy. Added
/// only when `LEADLIGHT_TRUSTED_PROXIES` names some.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let trusted: TrustedProxies

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        var context = context
        let forwarded = request.headers[values: Self.forwardedFor]
        if !forwarded.isEmpty {
            context.forwardedClientAddress = self.trusted.clientAddress(
                peer: context.remoteAddress?.ipAddress, forwardedFor: forwarded)
        }
        return try await next(request, context)
    }
}
