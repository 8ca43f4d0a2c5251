import Foundation

/// Where one delivery attempt goes: the endpoint's URL and the address, checked by `WebhookTargetPolicy`, that
/// the connection is made to.
struct WebhookTarget: Sendable, Equatable {
    var url: URL
    /// The URL's host as written (an IPv6 literal without brackets).
    var host: String
    var address: IPAddress

    /// Whether the host is a name (or an unusual spelling of an address) that must be pinned to `address`, rather
    /// than an address the connection can use as it stands.
    var isPinned: Bool { IPAddress(literal: self.host) == nil }
}
