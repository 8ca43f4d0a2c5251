import Foundation
import NIOCore
import NIOFoundationCompat

/// A form body: each name's values in order (checkboxes repeat a name), from `application/x-www-form-urlencoded`
/// or, for a form with a file, `multipart/form-data` (then each file's name, type and bytes too).
struct DashboardForm: Sendable {
    private var values: [String: [String]] = [:]
    /// The files of a multipart form, by field name; a file input left empty sends none.
    private(set) var files: [String: UploadedFile] = [:]

    /// A file a form sent.
    struct UploadedFile: Sendable, Equatable {
        var fileName: String
        var contentType: String?
        var content: Data
    }

    /// A multipart body that does not parse: answered as a bad request, nothing changed.
    struct MalformedMultipart: Error {}

    private init() {}

    /// Reads the body as its `Content-Type` says.
    init(_ body: ByteBuffer, contentType: String?) throws {
        guard let contentType, let boundary = MIMEMultipart.boundary(of: contentType, subtype: "form-data") else {
            self.init(body)
            return
        }
        let parts: [MIMEPart]
        do {
            parts = try MIMEMultipart.parts(
                of: ArraySlice(body.readableBytesView), boundary: boundary, strictHeaders: true)
        } catch { throw MalformedMultipart() }
        self.init()
        for part in parts {
            guard let disposition = part.headers["content-disposition"].map(MIMEHeaderValue.init),
                disposition.value == "form-data", let name = disposition["name"]
            else { continue }
            if let fileName = disposition["filename"] {
                guard !part.content.isEmpty || !fileName.isEmpty else { continue }  // no file chosen
                self.files[name] = UploadedFile(
                    fileName: fileName, contentType: part.headers["content-type"], content: Data(part.content))
            } else {
                self.values[name, default: []].append(String(decoding: part.content, as: UTF8.self))
            }
        }
    }

    /// An `application/x-www-form-urlencoded` body: `name=value` pairs split on `&`. A name that does not decode
    /// is skipped; a value that does not decode is empty.
    init(_ body: ByteBuffer) {
        body.withUnsafeReadableBytes { bytes in
            for pair in bytes.split(separator: UInt8(ascii: "&")) {
                let equals = pair.firstIndex(of: UInt8(ascii: "="))
                guard let name = Self.decode(pair[..<(equals ?? pair.endIndex)]) else { continue }
                let value = equals.map { Self.decode(pair[pair.index(after: $0)...]) ?? "" } ?? ""
                self.values[name, default: []].append(value)
            }
        }
    }

    /// The first value sent for `name`.
    subscript(_ name: String) -> String? { self.values[name]?.first }

    /// The names sent.
    var names: [String] { Array(self.values.keys) }

    /// Every value sent for `name` (the ticked checkboxes of a group).
    func all(_ name: String) -> [String] { self.values[name] ?? [] }

    /// One name or value of a urlencoded body: `+` is a space and `%XY` a byte. Nil when a `%` is not followed by
    /// two hex digits or the bytes are not UTF-8 (as Foundation's `removingPercentEncoding` answers), read in one
    /// pass over the bytes instead of through two Foundation string searches.
    static func decode(_ encoded: Slice<UnsafeRawBufferPointer>) -> String? {
        guard encoded.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(validating: encoded, as: UTF8.self)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.count)
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let byte = encoded[index]
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard encoded.distance(from: index, to: encoded.endIndex) >= 3,
                    let high = Self.hexValue(encoded[index + 1]), let low = Self.hexValue(encoded[index + 2])
                else { return nil }
                bytes.append(high << 4 | low)
                index += 2
            default:
                bytes.append(byte)
            }
            index += 1
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// How a form field becomes the JSON the operations read, so a form and an API body meet the same rules.
    enum FieldKind {
        /// A text; empty clears an optional field (`null`), and is sent as typed for a required one.
        case text
        /// Required text: sent as typed, empty included, so an empty one is reported as missing.
        case requiredText
        /// A number typed by a person: a JSON number when it reads as one (`19.99` stays exactly that), else
        /// the text, which the operation reports as not a number. Empty is `null`.
        case number
        /// A number kept as text (money: `price` is read as a decimal string by the API too).
        case decimalText
        /// A checkbox: `true` when ticked, else `false`.
        case checkbox
    }

    /// The named fields as the API's JSON body, decoded into `T` (`LeadChanges`, `ClientChanges`, …): the same
    /// reading and checks as the API's. Fields left off the page are left out of the body; `adding` holds values
    /// the page knows rather than the form (the client a showing is booked for).
    func changes<T: Decodable>(
        _ type: T.Type, _ fields: [(String, FieldKind)], adding: [String: any Sendable] = [:]
    ) throws -> T {
        var object: [String: Any] = adding
        for (name, kind) in fields {
            let sent = self[name]
            switch kind {
            case .checkbox:
                object[name] = sent != nil
            case .requiredText:
                if let sent { object[name] = sent }
            case .text, .decimalText:
                guard let sent else { continue }
                object[name] = TextRules.trimmed(sent).isEmpty ? NSNull() : sent
            case .number:
                guard let sent else { continue }
                let text = TextRules.trimmed(sent)
                if text.isEmpty {
                    object[name] = NSNull()
                } else if let number = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")),
                    text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" })
                {
                    object[name] = NSDecimalNumber(decimal: number)
                } else {
                    object[name] = text
                }
            }
        }
        let data = try JSONSerialization.data(withJSONObject: object)
        return try JSONDecoder().decode(T.self, from: data)
    }
}

/// One field of a dashboard form as its template shows it: its label, the value typed (kept when the form
/// comes back with errors) and the error beside it.
struct FormField: Sendable {
    struct Option: Sendable {
        var value: String
        var text: String
        var selected: Bool
        /// ` selected` or nothing: one lookup for the template instead of a section per option.
        var selectedAttribute: String

        init(value: String, text: String, selected: Bool) {
            (self.value, self.text, self.selected) = (value, text, selected)
            self.selectedAttribute = selected ? " selected" : ""
        }

        /// The `<option>`s as `options.mustache` writes them, for a page that shows them on every view (`HTML`).
        static func html(_ options: [Option]) -> HTML {
            HTML(
                joining: options.map { option -> HTML in
                    let chosen: HTML = option.selected ? " selected" : ""
                    return "<option value=\"\(option.value)\"\(chosen)>\(option.text)</option>"
                })
        }
    }

    var name: String
    var label: String
    var value: String
    var type: String
    var error: String?
    var required: Bool
    var hint: String?
    var options: [Option]
    // stored, not computed: templates read a value's stored properties
    var isSelect: Bool
    var isTextarea: Bool
    var isCheckbox: Bool
    var checked: Bool

    init(
        name: String, label: String, value: String, type: String = "text", error: String? = nil,
        required: Bool = false, hint: String? = nil, options: [Option] = []
    ) {
        (self.name, self.label, self.value, self.type, self.error) = (name, label, value, type, error)
        (self.required, self.hint, self.options) = (required, hint, options)
        self.isSelect = !options.isEmpty
        self.isTextarea = type == "textarea"
        self.isCheckbox = type == "checkbox"
        self.checked = self.isCheckbox && !value.isEmpty
    }

    /// A `<select>` of `choices` (value, text), `value` chosen.
    static func select(
        _ name: String, _ label: String, _ choices: [(String, String)], value: String, error: String? = nil
    ) -> FormField {
        FormField(
            name: name, label: label, value: value, error: error,
            options: choices.map { Option(value: $0.0, text: $0.1, selected: $0.0 == value) })
    }
}

/// The errors of a form, field by field, from the `ValidationFailure` an operation threw; whatever names no
/// field of the form is shown above it.
struct FormErrors: Sendable {
    private var byField: [String: String] = [:]
    var general: [String] = []

    init() {}

    init(_ failure: ValidationFailure, fields: Set<String>) {
        for error in failure.fields {
            if fields.contains(error.field) {
                self.byField[error.field] = self.byField[error.field].map { "\($0); \(error.message)" } ?? error.message
            } else {
                self.general.append("\(error.field) \(error.message)")
            }
        }
    }

    subscript(_ field: String) -> String? { self.byField[field] }
    var isEmpty: Bool { self.byField.isEmpty && self.general.isEmpty }
}

extension ValidationFailure {
    /// The same errors, those of `field` named `name` instead (a form field named apart from the API's).
    func renaming(_ field: String, to name: String) -> ValidationFailure {
        ValidationFailure(
            self.fields.map { FieldError(field: $0.field == field ? name : $0.field, message: $0.message) })
    }
}
