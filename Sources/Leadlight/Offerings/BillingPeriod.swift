/// How often a subscription bills.
package enum BillingPeriod: String, Sendable, Codable, CaseIterable {
    case monthly = "MONTHLY"
    case yearly = "YEARLY"
}
