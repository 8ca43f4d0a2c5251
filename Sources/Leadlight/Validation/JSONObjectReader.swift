import Foundation

/// Reads the fields of one JSON object leniently: a field of the wrong JSON type or an unknown field becomes a
/// `FieldError` instead of failing the whole body, and each field says whether it was left out, null, or set.
struct JSONObjectReader {
    private let container: KeyedDecodingContainer<DynamicCodingKey>?
    private(set) var errors: [FieldError] = []

    /// nil container: the value was not an object (the error is recorded).
    init(_ decoder: any Decoder, describing what: String) {
        self.container = try? decoder.container(keyedBy: DynamicCodingKey.self)
        if self.container == nil {
            self.errors = [FieldError(field: "body", message: "must be a JSON object describing \(what)")]
        }
    }

    /// The object's field names, for a switch over the known ones.
    var fields: [String] { self.container?.allKeys.map(\.stringValue) ?? [] }

    mutating func unknown(_ field: String, of what: String) {
        self.errors.append(FieldError(field: field, message: "is not a field of \(what)"))
    }

    mutating func string(_ field: String) -> SentValue<String> { self.read(String.self, field, kind: "a string") }
    mutating func bool(_ field: String) -> SentValue<Bool> { self.read(Bool.self, field, kind: "true or false") }
    mutating func number(_ field: String) -> SentValue<Decimal> { self.read(Decimal.self, field, kind: "a number") }
    mutating func strings(_ field: String) -> SentValue<[String]> {
        self.read([String].self, field, kind: "a list of strings")
    }

    /// A JSON number or a numeric string (prices).
    mutating func numberOrString(_ field: String, message: String) -> SentValue<NumberOrString> {
        guard let container = self.container else { return .absent }
        let key = DynamicCodingKey(field)
        if let number = try? container.decode(Decimal.self, forKey: key) { return .value(.number(number)) }
        if let text = try? container.decode(String.self, forKey: key) { return .value(.text(text)) }
        if (try? container.decodeNil(forKey: key)) == true { return .null }
        self.errors.append(FieldError(field: field, message: message))
        return .absent
    }

    private mutating func read<T: Decodable & Sendable>(_ type: T.Type, _ field: String, kind: String) -> SentValue<T> {
        guard let container = self.container else { return .absent }
        let key = DynamicCodingKey(field)
        if let value = try? container.decode(T.self, forKey: key) { return .value(value) }  // the common case first
        if (try? container.decodeNil(forKey: key)) == true { return .null }
        self.errors.append(FieldError(field: field, message: "must be \(kind)"))
        return .absent
    }
}
