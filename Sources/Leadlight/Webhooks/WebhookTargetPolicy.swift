import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where webhooks may be sent. A URL must be http(s) with a host; unless the operator allows private targets
/// (`LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE=1`), every address its host resolves to must be public: loopback, private,
/// link-local (cloud metadata), carrier-grade NAT, multicast and reserved ranges are refused. Checked when an
/// endpoint is saved and again before every attempt, so a name that later resolves inward is refused too.
package struct WebhookTargetPolicy: Sendable {
    package var allowPrivate: Bool
    /// Looks a host name up: the system resolver (`getaddrinfo`), or a test's.
    var resolve: @Sendable (String) throws -> [IPAddress]

    package init(allowPrivate: Bool) {
        self.init(allowPrivate: allowPrivate, resolve: Self.systemResolve)
    }

    init(allowPrivate: Bool, resolve: @escaping @Sendable (String) throws -> [IPAddress]) {
        self.allowPrivate = allowPrivate
        self.resolve = resolve
    }

    /// Why a URL cannot be used, in words for the API's error or the delivery log.
    package struct Refusal: Error, Sendable, CustomStringConvertible {
        package var reason: String
        package var description: String { self.reason }
    }

    /// The URL as it will be called, or why not: when an endpoint is saved. With private targets allowed only its
    /// shape is checked (a name need not resolve yet); otherwise it is checked as an attempt's target is.
    func check(_ text: String) async throws(Refusal) -> URL {
        guard !self.allowPrivate else { return try Self.parse(text) }
        return try await self.target(text).url
    }

    /// Where one attempt goes: the URL and the one address it connects to, checked here. The sender connects to
    /// that address rather than looking the name up again, so a name that answers a public address to this check
    /// and a private one a moment later (DNS rebinding) cannot reach inside.
    func target(_ text: String) async throws(Refusal) -> WebhookTarget {
        let url = try Self.parse(text)
        let host = Self.host(of: url)
        if let literal = IPAddress(literal: host) {
            guard self.allowPrivate || literal.isPublic else { throw self.inward(host, literal) }
            return WebhookTarget(url: url, host: host, address: literal)
        }
        let addresses = try await self.addresses(of: host)
        // IPv4 first, as most receivers are reachable on it; the order is otherwise the resolver's
        let address = addresses.first { if case .v4 = $0 { true } else { false } } ?? addresses[0]
        return WebhookTarget(url: url, host: host, address: address)
    }

    /// Every address `host` resolves to (at least one), all of them public unless private targets are allowed.
    private func addresses(of host: String) async throws(Refusal) -> [IPAddress] {
        let addresses: [IPAddress]
        do {
            addresses = try await NIOThreadPool.singleton.runIfActive { [resolve] in try resolve(host) }
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw Refusal(reason: "its host \(host) could not be resolved")
        }
        guard !addresses.isEmpty else { throw Refusal(reason: "its host \(host) has no IP address") }
        if !self.allowPrivate, let inward = addresses.first(where: { !$0.isPublic }) {
            throw self.inward(host, inward)
        }
        return addresses
    }

    private func inward(_ host: String, _ address: IPAddress) -> Refusal {
        Refusal(
            reason: "its host \(host) resolves to \(address), a private, loopback or link-local address; "
                + "webhooks go to public addresses only (an operator can allow private ones with "
                + "LEADLIGHT_WEBHOOKS_ALLOW_PRIVATE=1)"
        )
    }

    /// The URL's host without the brackets of an IPv6 literal.
    private static func host(of url: URL) -> String {
        url.host.map { $0.hasPrefix("[") ? String($0.dropFirst().dropLast()) : $0 } ?? ""
    }

    /// Shape only: http(s), a host, at most 2,048 characters.
    static func parse(_ text: String) throws(Refusal) -> URL {
        guard text.utf8.count <= 2048 else { throw Refusal(reason: "must be at most 2048 characters") }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else {
            throw Refusal(reason: "must be an absolute http or https URL")
        }
        guard scheme == "http" || scheme == "https" else {
            throw Refusal(reason: "must use http or https, not \(scheme)")
        }
        guard let host = url.host, !host.isEmpty else { throw Refusal(reason: "must name a host") }
        return url
    }

    /// `getaddrinfo`: every address of `host`, IPv4 and IPv6.
    @Sendable static func systemResolve(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw Refusal(reason: "its host \(host) could not be resolved")
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        addresses.append(IPAddress(pointer.pointee.sin_addr))
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        addresses.append(IPAddress(pointer.pointee.sin6_addr))
                    }
                default: break
                }
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}
