/// An opaque id, typed by the resource it names, so a key id cannot be passed where a workspace id is wanted.
///
/// On the wire and in the database it is a plain string. Parsing accepts any short, printable string:
/// ids are opaque to clients, and an id that was never issued simply finds nothing (404).
package struct Identifier<Resource>: RawRepresentable, Hashable, Sendable, Codable, LosslessStringConvertible {
    package let rawValue: String

    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    package init?(_ description: String) {
        guard (1...64).contains(description.utf8.count),
            description.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        self.rawValue = description
    }

    package var description: String { self.rawValue }

    package init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
}

extension Identifier where Resource: IdentifiedResource {
    /// A new random id: the resource's prefix, an underscore and 20 base62 characters (119 bits).
    static func generate() -> Self {
        Self(rawValue: "\(Resource.idPrefix)_\(Base62.random(count: 20))")
    }
}
