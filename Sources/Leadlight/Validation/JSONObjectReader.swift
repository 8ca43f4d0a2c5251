import Foundation

/// Reads the fields of one JSON object leniently: a field of the wrong JSON type or an unknown field becomes a
/// `FieldError` instead of failing the whole body, and each field says whether it was left out, null, or set.
/// Two readers do it: `JSONObjectReader` inside a `Decoder`, `JSONValueObjectReader` over a `JSONValue`.
protocol LenientObjectReader {
    /// The object's field names, for a switch over the known ones.
    var fields: [String] { get }
    /// Problems found while reading: wrong JSON types and unknown fields.
    var errors: [FieldError] { get }
    mutating func unknown(_ field: String, of what: String)
    mutating func string(_ field: String) -> SentValue<String>
    mutating func bool(_ field: String) -> SentValue<Bool>
    mutating func number(_ field: String) -> SentValue<Decimal>
    mutating func numberOrString(_ field: String, message: String) -> SentValue<NumberOrString>
}

/// What the readers say, the same whichever reads.
enum LenientReading {
    static func notAnObject(_ what: String) -> FieldError {
        FieldError(field: "body", message: "must be a JSON object describing \(what)")
    }

    static func unknown(_ field: String, of what: String) -> FieldError {
        FieldError(field: field, message: "is not a field of \(what)")
    }

    static func mistyped(_ field: String, _ kind: String) -> FieldError {
        FieldError(field: field, message: "must be \(kind)")
    }

    static let string = "a string"
    static let bool = "true or false"
    static let number = "a number"
}

struct JSONObjectReader: LenientObjectReader {
    private let container: KeyedDecodingContainer<DynamicCodingKey>?
    private(set) var errors: [FieldError] = []

    /// nil container: the value was not an object (the error is recorded).
    init(_ decoder: any Decoder, describing what: String) {
        self.container = try? decoder.container(keyedBy: DynamicCodingKey.self)
        if self.container == nil {
            self.errors = [LenientReading.notAnObject(what)]
        }
    }

    var fields: [String] { self.container?.allKeys.map(\.stringValue) ?? [] }

    mutating func unknown(_ field: String, of what: String) {
        self.errors.append(LenientReading.unknown(field, of: what))
    }

    mutating func string(_ field: String) -> SentValue<String> {
        self.read(String.self, field, kind: LenientReading.string)
    }
    mutating func bool(_ field: String) -> SentValue<Bool> { self.read(Bool.self, field, kind: LenientReading.bool) }
    mutating func number(_ field: String) -> SentValue<Decimal> {
        self.read(Decimal.self, field, kind: LenientReading.number)
    }
    mutating func strings(_ field: String) -> SentValue<[String]> {
        self.read([String].self, field, kind: "a list of strings")
    }

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
        self.errors.append(LenientReading.mistyped(field, kind))
        return .absent
    }
}

/// The same reading over an object `JSONValue` read it already (a bulk body's rows).
struct JSONValueObjectReader: LenientObjectReader {
    private let members: [(key: String, value: JSONValue)]
    private(set) var errors: [FieldError] = []

    /// A value that is not an object reads as one without fields (the error is recorded).
    init(_ value: JSONValue, describing what: String) {
        if case .object(let members) = value {
            self.members = members
        } else {
            self.members = []
            self.errors = [LenientReading.notAnObject(what)]
        }
    }

    var fields: [String] { self.members.map(\.key) }

    mutating func unknown(_ field: String, of what: String) {
        self.errors.append(LenientReading.unknown(field, of: what))
    }

    mutating func string(_ field: String) -> SentValue<String> {
        switch self.value(field) {
        case .string(let text): return .value(text)
        case let other: return self.absentOrNull(other, field, LenientReading.string)
        }
    }

    mutating func bool(_ field: String) -> SentValue<Bool> {
        switch self.value(field) {
        case .bool(let value): return .value(value)
        case let other: return self.absentOrNull(other, field, LenientReading.bool)
        }
    }

    mutating func number(_ field: String) -> SentValue<Decimal> {
        switch self.value(field) {
        case .number(let text):
            if let number = Self.decimal(text) { return .value(number) }
            self.errors.append(LenientReading.mistyped(field, LenientReading.number))
            return .absent
        case let other: return self.absentOrNull(other, field, LenientReading.number)
        }
    }

    mutating func numberOrString(_ field: String, message: String) -> SentValue<NumberOrString> {
        let value = self.value(field)
        if case .number(let text) = value, let number = Self.decimal(text) { return .value(.number(number)) }
        switch value {
        case .string(let text): return .value(.text(text))
        case .null: return .null
        case nil: return .absent
        default:
            self.errors.append(FieldError(field: field, message: message))
            return .absent
        }
    }

    /// A JSON number's text as `Decimal(string:)` reads it. A whole number of up to 18 digits, the usual
    /// quantity, is read from its digits: `Decimal(string:)` was 4% of an unchanged 1,000-row batch.
    static func decimal(_ text: String) -> Decimal? {
        var utf8 = Substring(text).utf8
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { utf8 = utf8.dropFirst() }
        guard (1...18).contains(utf8.count), utf8.first != UInt8(ascii: "0") || utf8.count == 1 else {
            return Decimal(string: text)
        }
        var whole: Int64 = 0
        for byte in utf8 {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return Decimal(string: text) }
            whole = whole * 10 + Int64(byte - UInt8(ascii: "0"))  // at most 18 digits: no overflow
        }
        return Decimal(negative ? -whole : whole)
    }

    private func value(_ field: String) -> JSONValue? {
        self.members.first { $0.key == field }?.value
    }

    /// Left out, null, or (anything else) a mistyped field.
    private mutating func absentOrNull<T>(_ value: JSONValue?, _ field: String, _ kind: String) -> SentValue<T> {
        switch value {
        case nil: return .absent
        case .null: return .null
        default:
            self.errors.append(LenientReading.mistyped(field, kind))
            return .absent
        }
    }
}
