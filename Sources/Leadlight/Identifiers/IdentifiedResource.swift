/// A resource that has a typed, opaque identifier with a readable prefix (`wsp_…`, `key_…`).
protocol IdentifiedResource {
    /// The short prefix every id of this resource starts with, as Stripe's ids do.
    static var idPrefix: String { get }
}
