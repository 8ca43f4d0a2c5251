/// JSON exactly as JavaScript's `JSON.stringify` writes it, so that signed bytes survive a receiver's
/// `JSON.stringify(JSON.parse(body).data)` unchanged (seeds/001 signs the re-serialised `data`).
///
/// `canonical(_:)` re-reads any JSON text and writes it the way V8 would after parsing it: strings escape
/// only `"`, `\` and control characters (short forms where JSON has them, `\u00xx` otherwise); everything else,
/// `/`, U+2028 and emoji included, is written as is. Numbers become IEEE doubles written in JavaScript's shortest
/// form (`2.5`, `450000`, `1e+21`, `1e-7`); a number too big for a double becomes `null`, as in JavaScript.
/// Object keys keep their order, except that array-index keys (`"0"`, `"12"`) come first in ascending order, as
/// JavaScript's property order puts them.
enum JavaScriptJSON {
    /// `text` written as `JSON.stringify(JSON.parse(text))` would write it.
    static func canonical(_ text: String) throws -> String {
        var text = text
        let value = try text.withUTF8 { try JSONValue.document(UnsafeRawBufferPointer($0)).root }
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 16)
        write(value, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// `text` as a JavaScript string literal in JSON (`JSON.stringify(text)`).
    static func quoted(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 2)
        writeString(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// `number` as JavaScript's `Number.prototype.toString()` (and so `JSON.stringify`) writes it.
    static func number(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == 0 { return "0" }  // -0 too
        // Swift's description is the shortest text that reads back as the same double, as JavaScript's is;
        // only the layout differs. Take its digits and decimal exponent, then lay them out JavaScript's way.
        let swift = number.magnitude.description
        var digits: [UInt8] = []
        var pointPosition: Int? = nil
        var exponent = 0
        var index = swift.utf8.startIndex
        let utf8 = swift.utf8
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                exponent = Int(String(swift[utf8.index(after: index)...])) ?? 0
                break
            }
            if byte == UInt8(ascii: ".") { pointPosition = digits.count } else { digits.append(byte) }
            index = utf8.index(after: index)
        }
        // value = 0.d1d2…dk × 10^n, with d1 ≠ 0 and dk ≠ 0
        var n = (pointPosition ?? digits.count) + exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            n -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        let k = digits.count
        var text = number < 0 ? "-" : ""
        let s = String(decoding: digits, as: UTF8.self)
        if k <= n && n <= 21 {
            text += s + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            text += String(s.prefix(n)) + "." + String(s.dropFirst(n))
        } else if -6 < n && n <= 0 {
            text += "0." + String(repeating: "0", count: -n) + s
        } else {
            let e = n - 1
            text += k == 1 ? s : String(s.prefix(1)) + "." + String(s.dropFirst())
            text += e < 0 ? "e-\(-e)" : "e+\(e)"
        }
        return text
    }

    static func write(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let text):
            // Double(_:) rounds to nearest, as JavaScript's parser does; overflow gives ±infinity (then null).
            output.append(contentsOf: Self.number(Double(text) ?? .nan).utf8)
        case .string(let text): writeString(text, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                write(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (position, member) in inJavaScriptPropertyOrder(members).enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                writeString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                write(member.value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Array-index keys first, ascending; then the rest in insertion order. A repeated key keeps its first
    /// position and its last value, as `JSON.parse` does.
    private static func inJavaScriptPropertyOrder(_ members: [(key: String, value: JSONValue)]) -> [(
        key: String, value: JSONValue
    )] {
        var positions: [String: Int] = [:]
        var unique: [(key: String, value: JSONValue)] = []
        for member in members {
            if let position = positions[member.key] {
                unique[position].value = member.value
            } else {
                positions[member.key] = unique.count
                unique.append(member)
            }
        }
        let indexed = unique.compactMap { member in arrayIndex(member.key).map { ($0, member) } }
        guard !indexed.isEmpty else { return unique }
        return indexed.sorted { $0.0 < $1.0 }.map(\.1) + unique.filter { arrayIndex($0.key) == nil }
    }

    /// The key as an array index (a canonical decimal below 2³² − 1), if it is one.
    private static func arrayIndex(_ key: String) -> UInt32? {
        guard let value = UInt32(key), value < UInt32.max, String(value) == key else { return nil }
        return value
    }

    static func writeString(_ text: String, to output: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x00..<0x20:
                output.append(contentsOf: "\\u00".utf8)
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            default: output.append(byte)  // UTF-8 of every other scalar, written as is
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
