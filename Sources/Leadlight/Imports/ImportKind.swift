/// What a file brings in: offerings, leads or clients.
package enum ImportKind: String, Sendable, Codable, CaseIterable {
    case offerings, leads, clients

    /// The fields a column may fill, as the API spells them.
    package var fields: [String] {
        switch self {
        case .offerings:
            [
                "name", "type", "sku", "externalId", "description", "price", "currency", "active", "stockQty",
                "reorderLevel", "unit", "billingPeriod", "termMonths",
            ]
        case .leads: ["name", "email", "phone", "source", "status", "propertyAddress", "notes"]
        case .clients: ["name", "email", "phone", "buyingStage", "notes"]
        }
    }

    var what: String {
        switch self {
        case .offerings: "an offering"
        case .leads: "a lead"
        case .clients: "a client"
        }
    }

    /// The field a header names: the field's own name, or a common name for it, in any case and spacing.
    func field(forHeader header: String) -> String? {
        let key = ImportColumns.normalized(header)
        if let field = self.fields.first(where: { ImportColumns.normalized($0) == key }) { return field }
        return self.aliases[key]
    }

    /// Names other tools' exports give these fields, normalized (`ImportColumns.normalized`).
    private var aliases: [String: String] {
        switch self {
        case .offerings:
            [
                "productname": "name", "product": "name", "title": "name", "itemname": "name", "item": "name",
                "producttype": "type", "itemtype": "type", "kind": "type",
                "productcode": "sku", "itemcode": "sku", "code": "sku", "hssku": "sku", "articlenumber": "sku",
                "externalid": "externalId", "id": "externalId", "productid": "externalId", "recordid": "externalId",
                "details": "description", "productdescription": "description",
                "unitprice": "price", "listprice": "price", "amount": "price", "cost": "price",
                "priceperunit": "price",
                "currencycode": "currency",
                "isactive": "active", "enabled": "active", "status": "active",
                "stock": "stockQty", "quantity": "stockQty", "qty": "stockQty", "stockquantity": "stockQty",
                "quantityonhand": "stockQty", "onhand": "stockQty", "inventory": "stockQty",
                "reorderpoint": "reorderLevel", "minstock": "reorderLevel", "reorderat": "reorderLevel",
                "unitofmeasure": "unit", "uom": "unit",
                "billingfrequency": "billingPeriod", "recurringbillingfrequency": "billingPeriod",
                "billingcycle": "billingPeriod", "period": "billingPeriod",
                "term": "termMonths", "termlength": "termMonths", "months": "termMonths",
            ]
        case .leads:
            [
                "fullname": "name", "contactname": "name", "contact": "name",
                "emailaddress": "email", "mail": "email",
                "phonenumber": "phone", "mobile": "phone", "mobilephone": "phone", "telephone": "phone", "tel": "phone",
                "leadsource": "source", "origin": "source",
                "leadstatus": "status",
                "note": "notes", "comments": "notes", "comment": "notes", "message": "notes",
                "property": "propertyAddress", "address": "propertyAddress", "propertyofinterest": "propertyAddress",
            ]
        case .clients:
            [
                "fullname": "name", "contactname": "name", "contact": "name", "clientname": "name",
                "emailaddress": "email", "mail": "email",
                "phonenumber": "phone", "mobile": "phone", "mobilephone": "phone", "telephone": "phone", "tel": "phone",
                "stage": "buyingStage", "lifecyclestage": "buyingStage", "dealstage": "buyingStage",
                "note": "notes", "comments": "notes", "comment": "notes",
            ]
        }
    }
}
