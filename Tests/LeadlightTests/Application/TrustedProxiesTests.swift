import Foundation
import Testing

@testable import Leadlight

/// `LEADLIGHT_TRUSTED_PROXIES` and the visitor's address behind them: `X-Forwarded-For` is believed only from a
/// trusted proxy, read from the right, and nothing in it can make a visitor's address out of garbage.
@Suite(.onAThreadOfItsOwn) struct TrustedProxiesTests {
    @Test func rangesAreAddressesOrCIDRsOfEitherFamily() throws {
        let proxies = try TrustedProxies("127.0.0.1, 10.1.0.0/16 ::1,fd00::/8")
        #expect(proxies.contains(try #require(IPAddress(literal: "127.0.0.1"))))
        #expect(!proxies.contains(try #require(IPAddress(literal: "127.0.0.2"))))
        #expect(proxies.contains(try #require(IPAddress(literal: "10.1.255.3"))))
        #expect(!proxies.contains(try #require(IPAddress(literal: "10.2.0.1"))))
        #expect(proxies.contains(try #require(IPAddress(literal: "::1"))))
        #expect(proxies.contains(try #require(IPAddress(literal: "fd12:3456::1"))))
        #expect(!proxies.contains(try #require(IPAddress(literal: "fe80::1"))))
        #expect(try TrustedProxies("0.0.0.0/0").contains(try #require(IPAddress(literal: "203.0.113.7"))))
        #expect(try TrustedProxies("10.0.0.0/9").contains(try #require(IPAddress(literal: "10.127.0.1"))))
        #expect(try !TrustedProxies("10.0.0.0/9").contains(try #require(IPAddress(literal: "10.128.0.1"))))
        #expect(try TrustedProxies("").isEmpty)
    }

    @Test(arguments: ["localhost", "10.0.0.0/33", "::/129", "10.0.0.1/", "10.0.0.1/8/8", "300.1.1.1", "10.0.0.0/-1"])
    func aBadRangeIsRefusedNamingItsEntry(_ entry: String) {
        do {
            _ = try LeadlightConfiguration(environment: ["LEADLIGHT_TRUSTED_PROXIES": "127.0.0.1, \(entry)"])
            Issue.record("\(entry) was accepted")
        } catch let error as LeadlightConfiguration.InvalidSetting {
            #expect(error.name == "LEADLIGHT_TRUSTED_PROXIES" && error.expected.contains(entry))
        } catch {
            Issue.record("\(entry): \(error)")
        }
    }

    @Test func theVisitorIsTheFirstAddressFromTheRightThatIsNoTrustedProxy() throws {
        let proxies = try TrustedProxies("127.0.0.1, 10.0.0.0/8")
        // no proxy in between: the header is the visitor's to write, and ignored
        #expect(proxies.clientAddress(peer: "203.0.113.7", forwardedFor: ["198.51.100.1"]) == "203.0.113.7")
        // nginx on 127.0.0.1 appended the visitor
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.7"]) == "203.0.113.7")
        // a visitor's own forged entry stays left of the one the proxy appended
        #expect(
            proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["198.51.100.1, 203.0.113.7"]) == "203.0.113.7")
        // two proxies: the load balancer (10.0.0.2) appended the visitor, nginx the balancer
        #expect(
            proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.7, 10.0.0.2"]) == "203.0.113.7")
        // headers repeated are one list, in order
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.7", "10.0.0.2"]) == "203.0.113.7")
        // ports, brackets and IPv6
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.7:41234"]) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["[2001:DB8::1]:443"]) == "2001:db8::1")
        // garbage ends the walk at the last trusted hop: it never becomes an address
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.7, x"]) == "127.0.0.1")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["junk, 10.0.0.2"]) == "10.0.0.2")
        // only proxies: the leftmost of them
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["10.0.0.3, 10.0.0.2"]) == "10.0.0.3")
        // no proxies trusted: the peer, whatever the header says
        #expect(TrustedProxies().clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.7"]) == "127.0.0.1")
    }

    /// Any header, any peer: the answer is the peer or an address (never the header's garbage), and never a trap.
    @Test func anyForwardedForGivesThePeerOrAnAddress() throws {
        let proxies = try TrustedProxies("127.0.0.1, 10.0.0.0/8, ::1")
        var input = FuzzInput(stream: "x-forwarded-for")
        var fromHeader = 0
        for _ in 0..<FuzzInput.iterations {
            var hops: [String] = []
            for _ in 0..<input.int(0...20) {
                switch input.int(0...5) {
                case 0:
                    hops.append("\(input.int(0...300)).\(input.int(0...255)).\(input.int(0...255)).\(input.int(0...9))")
                case 1: hops.append("10.\(input.int(0...255)).0.\(input.int(0...255))")
                case 2: hops.append("[2001:db8::\(input.int(0...0xffff))]:\(input.int(0...70000))")
                case 3: hops.append("::\(input.text(maxLength: 6))")
                default: hops.append(input.text(maxLength: 50))
                }
            }
            let header = hops.joined(separator: input.pick([",", ", ", " ,"]))
            let peer = input.pick(["127.0.0.1", "::1", "203.0.113.9", "10.9.9.9"])
            let client = try #require(proxies.clientAddress(peer: peer, forwardedFor: [header]))
            #expect(IPAddress(literal: client) != nil, "\(client) from \(header)")
            if client != peer { fromHeader += 1 }
        }
        #expect(fromHeader * 10 >= FuzzInput.iterations, "the generator reached the header's addresses")
    }
}
