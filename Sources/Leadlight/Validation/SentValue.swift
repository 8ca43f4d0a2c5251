/// A field of a JSON body as sent: left out, sent as `null`, or sent with a value.
/// Partial updates need all three: left out keeps what is stored, `null` clears it.
package enum SentValue<Value: Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    var isAbsent: Bool {
        if case .absent = self { return true }
        return false
    }

    func map<T>(_ transform: (Value) throws -> T) rethrows -> SentValue<T> {
        switch self {
        case .absent: return .absent
        case .null: return .null
        case .value(let value): return .value(try transform(value))
        }
    }

    /// What the field becomes: the sent value, nil for `null`, or `stored` when left out.
    func applied(to stored: Value?) -> Value? {
        switch self {
        case .absent: return stored
        case .null: return nil
        case .value(let value): return value
        }
    }
}

extension SentValue {
    /// A field whose check failed (a nil value) counts as left out: the failure is recorded elsewhere.
    func flattened<T>() -> SentValue<T> where Value == T? {
        switch self {
        case .absent: return .absent
        case .null: return .null
        case .value(let value): return value.map { .value($0) } ?? .absent
        }
    }
}

extension SentValue: Equatable where Value: Equatable {}
