import Foundation

/// Reads the fields of one CSV row as the JSON readers read a body's object, so an imported row goes through the
/// very rules a pushed one does. Every cell is text: an empty cell is a field left out (an import never clears a
/// stored value), numbers are read strictly (`12`, `-3`, `19.99`; not `12abc` or `1,200`), and true or false may
/// be written as spreadsheets do (`yes`, `no`, `1`, `0`, `active`, `inactive`).
struct CSVRowReader: LenientObjectReader {
    private let cells: [(field: String, value: String)]
    private(set) var errors: [FieldError] = []

    /// A row's cells (`ImportColumns.cells`).
    init(_ cells: [(field: String, text: String)]) {
        self.cells = cells.map { ($0.field, $0.text) }
    }

    var fields: [String] { self.cells.map(\.field) }

    mutating func unknown(_ field: String, of what: String) {
        self.errors.append(LenientReading.unknown(field, of: what))
    }

    mutating func string(_ field: String) -> SentValue<String> {
        self.value(field).map { .value($0) } ?? .absent
    }

    mutating func bool(_ field: String) -> SentValue<Bool> {
        guard let text = self.value(field) else { return .absent }
        switch text.lowercased() {
        case "true", "yes", "y", "1", "active", "on": return .value(true)
        case "false", "no", "n", "0", "inactive", "off": return .value(false)
        default:
            self.errors.append(FieldError(field: field, message: "must be true or false (or yes or no), not “\(text)”"))
            return .absent
        }
    }

    mutating func number(_ field: String) -> SentValue<Decimal> {
        guard let text = self.value(field) else { return .absent }
        guard let number = Self.number(text) else {
            self.errors.append(FieldError(field: field, message: "must be a number, like 12 or 4.5, not “\(text)”"))
            return .absent
        }
        return .value(number)
    }

    mutating func numberOrString(_ field: String, message: String) -> SentValue<NumberOrString> {
        self.value(field).map { .value(.text($0)) } ?? .absent
    }

    private func value(_ field: String) -> String? {
        self.cells.first { $0.field == field }?.value
    }

    /// `text` as a number if it is only one: an optional minus, digits, an optional point and digits (at most 40
    /// characters, so the number stays within what `Decimal` holds exactly).
    static func number(_ text: String) -> Decimal? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 40 else { return nil }
        var index = bytes[0] == UInt8(ascii: "-") ? 1 : 0
        var digits = 0
        var point = false
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: ".") where !point && digits > 0: point = true
            default: return nil
            }
            index += 1
        }
        guard digits > 0, bytes.last != UInt8(ascii: ".") else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}
