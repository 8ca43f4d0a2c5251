import Foundation

/// A value sent as a JSON number or as a numeric string, such as a price.
package enum NumberOrString: Sendable, Equatable {
    case number(Decimal)
    case text(String)
}
