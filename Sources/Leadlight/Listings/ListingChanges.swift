import Foundation

/// A listing's fields as sent, read and checked: every bad field named at once; left out keeps the stored
/// value, `null` clears an optional one.
package struct ListingChanges: Decodable, Sendable {
    var address: String?
    var price: Money?
    var bedrooms: SentValue<Int> = .absent
    var bathroomTenths: SentValue<Int> = .absent
    var sqft: SentValue<Int> = .absent
    var description: SentValue<String> = .absent
    var status: ListingStatus?
    private var errors = FieldErrorCollector()

    package init(from decoder: any Decoder) throws {
        var reader = JSONObjectReader(decoder, describing: "a listing")
        var errors = FieldErrorCollector()
        for field in reader.fields {
            switch field {
            case "address":
                switch reader.string(field) {
                case .absent: break
                case .null: errors.add("address", "must not be null")
                case .value(let text):
                    self.address = errors.check { try TextRules.required(text, field: "address", maxLength: 500) }
                }
            case "price":
                switch reader.numberOrString(field, message: "must be a number, like 750000") {
                case .absent: break
                case .null: errors.add("price", "must not be null")
                case .value(.number(let value)):
                    self.price = errors.check { try Money(validating: value, field: "price") }
                case .value(.text(let text)): self.price = errors.check { try Money(validating: text, field: "price") }
                }
            case "bedrooms":
                self.bedrooms = reader.number(field).map { value in
                    errors.check { try Self.whole(value, field: "bedrooms", in: 0...100) }
                }.flattened()
            case "bathrooms":
                self.bathroomTenths = reader.number(field).map { value in
                    errors.check {
                        let tenths = value * 10
                        guard let whole = try? Self.whole(tenths, field: "bathrooms", in: 0...1000) else {
                            throw ValidationFailure(
                                field: "bathrooms", message: "must be a number like 2 or 2.5, from 0 to 100")
                        }
                        return whole
                    }
                }.flattened()
            case "sqft":
                self.sqft = reader.number(field).map { value in
                    errors.check { try Self.whole(value, field: "sqft", in: 0...10_000_000) }
                }.flattened()
            case "description":
                self.description = reader.string(field).map { text in
                    errors.check { try TextRules.optional(text, field: "description", maxLength: 5000) }
                }.flattened()
            case "status":
                switch reader.string(field) {
                case .absent: break
                case .null: errors.add("status", "must be one of \(ListingStatus.spellings), not null")
                case .value(let text):
                    self.status = ListingStatus(rawValue: TextRules.trimmed(text).lowercased())
                    if self.status == nil { errors.add("status", "must be one of \(ListingStatus.spellings)") }
                }
            case "id", "createdAt", "updatedAt", "archivedAt": continue  // read-only
            default: reader.unknown(field, of: "a listing")
            }
        }
        for error in reader.errors { errors.add(error.field, error.message) }
        self.errors = errors
    }

    func check() throws {
        try self.errors.throwIfAny()
    }

    /// `address` and `price` are required to create a listing; it starts `active`.
    func makeListing(id: Listing.ID, in workspace: Workspace.ID, at now: Date) throws -> Listing {
        var errors = self.errors
        if self.address == nil, !errors.errors.contains(where: { $0.field == "address" }) {
            errors.add("address", "is required")
        }
        if self.price == nil, !errors.errors.contains(where: { $0.field == "price" }) {
            errors.add("price", "is required")
        }
        try errors.throwIfAny()
        return Listing(
            id: id, workspaceID: workspace, address: self.address!, price: self.price!, bedrooms: self.bedrooms.value,
            bathroomTenths: self.bathroomTenths.value, sqft: self.sqft.value, description: self.description.value,
            status: self.status ?? .active, createdAt: now, updatedAt: now
        )
    }

    func applied(to stored: Listing) throws -> Listing {
        try self.check()
        var listing = stored
        listing.address = self.address ?? stored.address
        listing.price = self.price ?? stored.price
        listing.bedrooms = self.bedrooms.applied(to: stored.bedrooms)
        listing.bathroomTenths = self.bathroomTenths.applied(to: stored.bathroomTenths)
        listing.sqft = self.sqft.applied(to: stored.sqft)
        listing.description = self.description.applied(to: stored.description)
        listing.status = self.status ?? stored.status
        return listing
    }

    private static func whole(_ value: Decimal, field: String, in range: ClosedRange<Int>) throws -> Int {
        var rounded = Decimal()
        var copy = value
        NSDecimalRound(&rounded, &copy, 0, .plain)
        guard rounded == value, value >= Decimal(range.lowerBound), value <= Decimal(range.upperBound) else {
            throw ValidationFailure(
                field: field, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return NSDecimalNumber(decimal: value).intValue
    }
}
