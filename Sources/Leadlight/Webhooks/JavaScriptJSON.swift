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
    /// A JSON text that is not valid JSON.
    struct Malformed: Error, CustomStringConvertible {
        var offset: Int
        var description: String { "malformed JSON at byte \(self.offset)" }
    }

    /// `text` written as `JSON.stringify(JSON.parse(text))` would write it.
    static func canonical(_ text: String) throws -> String {
        var parser = Parser(bytes: Array(text.utf8))
        let value = try parser.document()
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

    indirect enum Value {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([Value])
        case object([(String, Value)])
    }

    static func write(_ value: Value, to output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): output.append(contentsOf: Self.number(number).utf8)
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
                writeString(member.0, to: &output)
                output.append(UInt8(ascii: ":"))
                write(member.1, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Array-index keys first, ascending; then the rest in insertion order. A repeated key keeps its first
    /// position and its last value, as `JSON.parse` does.
    private static func inJavaScriptPropertyOrder(_ members: [(String, Value)]) -> [(String, Value)] {
        var positions: [String: Int] = [:]
        var unique: [(String, Value)] = []
        for member in members {
            if let position = positions[member.0] {
                unique[position].1 = member.1
            } else {
                positions[member.0] = unique.count
                unique.append(member)
            }
        }
        let indexed = unique.compactMap { member in arrayIndex(member.0).map { ($0, member) } }
        guard !indexed.isEmpty else { return unique }
        return indexed.sorted { $0.0 < $1.0 }.map(\.1) + unique.filter { arrayIndex($0.0) == nil }
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

    /// A strict RFC 8259 reader into `Value`.
    struct Parser {
        let bytes: [UInt8]
        var position = 0

        mutating func document() throws -> Value {
            let value = try self.value(depth: 0)
            self.skipWhitespace()
            guard self.position == self.bytes.count else { throw Malformed(offset: self.position) }
            return value
        }

        private mutating func value(depth: Int) throws -> Value {
            guard depth < 512 else { throw Malformed(offset: self.position) }
            self.skipWhitespace()
            guard self.position < self.bytes.count else { throw Malformed(offset: self.position) }
            switch self.bytes[self.position] {
            case UInt8(ascii: "{"):
                self.position += 1
                var members: [(String, Value)] = []
                self.skipWhitespace()
                if self.peek(UInt8(ascii: "}")) { return .object(members) }
                repeat {
                    self.skipWhitespace()
                    let key = try self.string()
                    self.skipWhitespace()
                    try self.expect(UInt8(ascii: ":"))
                    members.append((key, try self.value(depth: depth + 1)))
                    self.skipWhitespace()
                } while self.peek(UInt8(ascii: ","))
                try self.expect(UInt8(ascii: "}"))
                return .object(members)
            case UInt8(ascii: "["):
                self.position += 1
                var elements: [Value] = []
                self.skipWhitespace()
                if self.peek(UInt8(ascii: "]")) { return .array(elements) }
                repeat {
                    elements.append(try self.value(depth: depth + 1))
                    self.skipWhitespace()
                } while self.peek(UInt8(ascii: ","))
                try self.expect(UInt8(ascii: "]"))
                return .array(elements)
            case UInt8(ascii: "\""): return .string(try self.string())
            case UInt8(ascii: "t"): try self.literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try self.literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try self.literal("null"); return .null
            default: return .number(try self.number())
            }
        }

        private mutating func skipWhitespace() {
            while self.position < self.bytes.count,
                [0x20, 0x09, 0x0A, 0x0D].contains(self.bytes[self.position])
            {
                self.position += 1
            }
        }

        /// Consumes `byte` if it is next.
        private mutating func peek(_ byte: UInt8) -> Bool {
            guard self.position < self.bytes.count, self.bytes[self.position] == byte else { return false }
            self.position += 1
            return true
        }

        private mutating func expect(_ byte: UInt8) throws {
            guard self.peek(byte) else { throw Malformed(offset: self.position) }
        }

        private mutating func literal(_ word: String) throws {
            for byte in word.utf8 { try self.expect(byte) }
        }

        private mutating func number() throws -> Double {
            let start = self.position
            _ = self.peek(UInt8(ascii: "-"))
            guard try self.digits() > 0 else { throw Malformed(offset: start) }
            if self.peek(UInt8(ascii: ".")) {
                guard try self.digits() > 0 else { throw Malformed(offset: self.position) }
            }
            if self.peek(UInt8(ascii: "e")) || self.peek(UInt8(ascii: "E")) {
                if !self.peek(UInt8(ascii: "+")) { _ = self.peek(UInt8(ascii: "-")) }
                guard try self.digits() > 0 else { throw Malformed(offset: self.position) }
            }
            let text = String(decoding: self.bytes[start..<self.position], as: UTF8.self)
            // Double(_:) rounds to nearest, as JavaScript's parser does; overflow gives ±infinity (then null).
            guard let value = Double(text) else { throw Malformed(offset: start) }
            return value
        }

        private mutating func digits() throws -> Int {
            let start = self.position
            while self.position < self.bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self.bytes[self.position])
            {
                self.position += 1
            }
            return self.position - start
        }

        private mutating func string() throws -> String {
            try self.expect(UInt8(ascii: "\""))
            var units: [UInt16] = []
            var run = self.position
            func flush(_ parser: Parser, upTo end: Int) {
                units.append(contentsOf: String(decoding: parser.bytes[run..<end], as: UTF8.self).utf16)
            }
            while true {
                guard self.position < self.bytes.count else { throw Malformed(offset: self.position) }
                let byte = self.bytes[self.position]
                if byte == UInt8(ascii: "\"") {
                    flush(self, upTo: self.position)
                    self.position += 1
                    break
                }
                guard byte >= 0x20 else { throw Malformed(offset: self.position) }
                guard byte == UInt8(ascii: "\\") else {
                    self.position += 1
                    continue
                }
                flush(self, upTo: self.position)
                self.position += 1
                guard self.position < self.bytes.count else { throw Malformed(offset: self.position) }
                let escaped = self.bytes[self.position]
                self.position += 1
                switch escaped {
                case UInt8(ascii: "\""): units.append(0x22)
                case UInt8(ascii: "\\"): units.append(0x5C)
                case UInt8(ascii: "/"): units.append(0x2F)
                case UInt8(ascii: "b"): units.append(0x08)
                case UInt8(ascii: "f"): units.append(0x0C)
                case UInt8(ascii: "n"): units.append(0x0A)
                case UInt8(ascii: "r"): units.append(0x0D)
                case UInt8(ascii: "t"): units.append(0x09)
                case UInt8(ascii: "u"):
                    guard self.position + 4 <= self.bytes.count,
                        let unit = UInt16(
                            String(decoding: self.bytes[self.position..<self.position + 4], as: UTF8.self), radix: 16)
                    else { throw Malformed(offset: self.position) }
                    units.append(unit)
                    self.position += 4
                default: throw Malformed(offset: self.position - 1)
                }
                run = self.position
            }
            // A lone surrogate cannot be held in a Swift String; it becomes U+FFFD. Leadlight never stores one.
            return String(decoding: units, as: UTF16.self)
        }
    }
}
