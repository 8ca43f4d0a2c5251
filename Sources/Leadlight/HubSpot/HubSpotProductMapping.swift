/// A HubSpot product as an offering row, the cells the CSV import would read (`ImportRowWriter.Cells`):
///
/// - `externalId` is `hubspot:` and the product's id: the key every later pull finds it by;
/// - `recurringbillingfrequency` `monthly` makes a SUBSCRIPTION billed MONTHLY, `annually` one billed YEARLY; empty,
///   a PRODUCT, or a SERVICE when `hs_product_type` is `service`; any other frequency fails the row (it is never
///   rounded to another period);
/// - `hs_sku` is the sku of a PRODUCT; on another type it is not a field, so it is left out and the row says so;
/// - the price exactly as HubSpot sends it (`"25000.00"`); an archived product is an inactive offering.
enum HubSpotProductMapping {
    /// The row, or why it cannot be one; `note` says what was left out.
    struct Mapped: Sendable {
        var cells: ImportRowWriter.Cells
        var note: String?
        var failure: FieldError?
    }

    static func map(_ product: HubSpotProduct) -> Mapped {
        let properties = product.properties
        func value(_ name: String) -> String? {
            guard let text = properties[name].map(TextRules.trimmed), !text.isEmpty else { return nil }
            return text
        }
        var cells: ImportRowWriter.Cells = [("externalId", "hubspot:\(product.id)")]
        var note: String?
        let type: OfferingType
        switch value("recurringbillingfrequency")?.lowercased() {
        case nil:
            type = value("hs_product_type")?.lowercased() == "service" ? .service : .product
        case "monthly":
            type = .subscription
            cells.append(("billingPeriod", BillingPeriod.monthly.rawValue))
        case "annually":
            type = .subscription
            cells.append(("billingPeriod", BillingPeriod.yearly.rawValue))
        case let other?:
            return Mapped(
                cells: cells, note: nil,
                failure: FieldError(
                    field: "billingPeriod",
                    message:
                        "HubSpot bills it \(other); an offering is billed MONTHLY or YEARLY, so it is not imported "
                        + "rather than billed at another period"))
        }
        cells.append(("type", type.rawValue))
        if let name = value("name") { cells.append(("name", name)) }
        if let description = value("description") { cells.append(("description", description)) }
        if let price = value("price") { cells.append(("price", price)) }
        if let sku = value("hs_sku") {
            if type == .product {
                cells.append(("sku", sku))
            } else {
                note = "hs_sku \(sku) left out: a sku is a field of PRODUCT offerings, not \(type.rawValue)"
            }
        }
        cells.append(("active", product.archived ? "false" : "true"))
        return Mapped(cells: cells, note: note, failure: nil)
    }
}
