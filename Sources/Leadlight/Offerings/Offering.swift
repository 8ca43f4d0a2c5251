import Foundation

/// One entry of a workspace's catalog: a product, service, subscription or contract (DESIGN.md, Offerings).
package struct Offering: Sendable, Equatable, IdentifiedResource {
    package typealias ID = Identifier<Offering>
    static let idPrefix = "off"

    package var id: ID
    package var workspaceID: Workspace.ID
    package var type: OfferingType
    package var name: String
    package var description: String?
    package var price: Money?
    package var currency: CurrencyCode
    package var active: Bool
    /// Matches the offering in an upsert when present. PRODUCT only.
    package var sku: String?
    package var stockQty: Int64?
    package var reorderLevel: Int64?
    package var unit: String?
    /// SUBSCRIPTION only, and required there.
    package var billingPeriod: BillingPeriod?
    /// CONTRACT only, and required there.
    package var termMonths: Int?
    /// The caller's own id; matches the offering in an upsert when there is no sku. Defaults to the sku.
    package var externalID: String?
    package var createdAt: Date
    package var updatedAt: Date
    /// The fingerprint of the upsert row this offering was last written from; nil after any other change
    /// (a PATCH). Not part of the offering's content.
    var upsertFingerprint: String?

    /// Whether the two hold the same data, ignoring identity, times and fingerprint: an upsert row that
    /// changes nothing is reported `unchanged` and not written.
    func hasSameContent(as other: Offering) -> Bool {
        var other = other
        other.id = self.id
        other.workspaceID = self.workspaceID
        other.createdAt = self.createdAt
        other.updatedAt = self.updatedAt
        other.upsertFingerprint = self.upsertFingerprint
        return self == other
    }
}
