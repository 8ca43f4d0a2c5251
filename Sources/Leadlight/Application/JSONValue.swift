/// A JSON text as RFC 8259 says it: members in the order sent (a key sent twice stays twice), numbers as their
/// text, strings with their escapes read. One strict reader, in one pass over the bytes, for what needs more than
/// `JSONDecoder` gives: the webhook signature's `JSON.stringify` of a payload (`JavaScriptJSON`), and bodies large
/// enough that `JSONDecoder`'s keyed containers show in a profile (a 1,000-row upsert, `OfferingsAPI`).
enum JSONValue: Sendable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// The number's text as sent (`-12.50`, `1E3`).
    case number(String)
    case bool(Bool)
    case null

    /// Not JSON: where reading stopped.
    struct Malformed: Error, CustomStringConvertible {
        var offset: Int
        var description: String { "malformed JSON at byte \(self.offset)" }
    }

    /// A document read whole.
    struct Document: Sendable {
        var root: JSONValue
        /// A `\u` escape of a lone surrogate was read as U+FFFD, as JavaScript's strings and Swift's cannot hold it.
        var replacedLoneSurrogate: Bool
    }

    /// Deeper nesting than this is refused, so no input can exhaust the stack.
    static let maximumDepth = 512

    /// Reads `bytes`, UTF-8 text, as one JSON document.
    static func document(_ bytes: UnsafeRawBufferPointer) throws(Malformed) -> Document {
        var parser = Parser(bytes: bytes.assumingMemoryBound(to: UInt8.self))
        let root = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw Malformed(offset: parser.index) }
        return Document(root: root, replacedLoneSurrogate: parser.replacedLoneSurrogate)
    }

    /// The last member named `key` of an object (as `JSON.parse` keeps it), nil if none or not an object.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var replacedLoneSurrogate = false

        mutating func skipWhitespace() {
            while self.index < self.bytes.count {
                switch self.bytes[self.index] {
                case 0x20, 0x09, 0x0A, 0x0D: self.index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(Malformed) -> JSONValue {
            guard depth < JSONValue.maximumDepth else { throw Malformed(offset: self.index) }
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw Malformed(offset: self.index) }
            switch self.bytes[self.index] {
            case UInt8(ascii: "{"): return try self.object(depth: depth)
            case UInt8(ascii: "["): return try self.array(depth: depth)
            case UInt8(ascii: "\""): return .string(try self.string())
            case UInt8(ascii: "t"): return try self.literal("true", .bool(true))
            case UInt8(ascii: "f"): return try self.literal("false", .bool(false))
            case UInt8(ascii: "n"): return try self.literal("null", .null)
            default: return try self.number()
            }
        }

        private mutating func object(depth: Int) throws(Malformed) -> JSONValue {
            self.index += 1  // {
            var members: [(key: String, value: JSONValue)] = []
            self.skipWhitespace()
            if self.take(UInt8(ascii: "}")) { return .object(members) }
            repeat {
                self.skipWhitespace()
                let key = try self.string()
                self.skipWhitespace()
                try self.expect(UInt8(ascii: ":"))
                members.append((key, try self.value(depth: depth + 1)))
                self.skipWhitespace()
            } while self.take(UInt8(ascii: ","))
            try self.expect(UInt8(ascii: "}"))
            return .object(members)
        }

        private mutating func array(depth: Int) throws(Malformed) -> JSONValue {
            self.index += 1  // [
            var elements: [JSONValue] = []
            self.skipWhitespace()
            if self.take(UInt8(ascii: "]")) { return .array(elements) }
            repeat {
                elements.append(try self.value(depth: depth + 1))
                self.skipWhitespace()
            } while self.take(UInt8(ascii: ","))
            try self.expect(UInt8(ascii: "]"))
            return .array(elements)
        }

        /// Consumes `byte` if it is next.
        private mutating func take(_ byte: UInt8) -> Bool {
            guard self.index < self.bytes.count, self.bytes[self.index] == byte else { return false }
            self.index += 1
            return true
        }

        private mutating func expect(_ byte: UInt8) throws(Malformed) {
            guard self.take(byte) else { throw Malformed(offset: self.index) }
        }

        private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(Malformed) -> JSONValue {
            for offset in 0..<word.utf8CodeUnitCount { try self.expect(word.utf8Start[offset]) }
            return value
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as text.
        private mutating func number() throws(Malformed) -> JSONValue {
            let start = self.index
            _ = self.take(UInt8(ascii: "-"))
            if self.take(UInt8(ascii: "0")) {
                // no digit may follow a leading zero
            } else {
                guard self.digits() > 0 else { throw Malformed(offset: start) }
            }
            if self.take(UInt8(ascii: ".")) {
                guard self.digits() > 0 else { throw Malformed(offset: self.index) }
            }
            if self.take(UInt8(ascii: "e")) || self.take(UInt8(ascii: "E")) {
                if !self.take(UInt8(ascii: "+")) { _ = self.take(UInt8(ascii: "-")) }
                guard self.digits() > 0 else { throw Malformed(offset: self.index) }
            }
            return .number(
                String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self))
        }

        private mutating func digits() -> Int {
            let start = self.index
            while self.index < self.bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self.bytes[self.index])
            {
                self.index += 1
            }
            return self.index - start
        }

        /// A string's text, its escapes read.
        private mutating func string() throws(Malformed) -> String {
            try self.expect(UInt8(ascii: "\""))
            let start = self.index
            // the common case, no escape: the text is read in place
            while self.index < self.bytes.count {
                switch self.bytes[self.index] {
                case UInt8(ascii: "\""):
                    let text = String(
                        decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
                    self.index += 1
                    return text
                case UInt8(ascii: "\\"): return try self.escapedString(from: start)
                case ..<0x20: throw Malformed(offset: self.index)
                default: self.index += 1
                }
            }
            throw Malformed(offset: self.index)
        }

        /// The rest of a string from its first escape (at `index`); `start` is where its text began.
        private mutating func escapedString(from start: Int) throws(Malformed) -> String {
            var text = Array(self.bytes[start..<self.index])
            while self.index < self.bytes.count {
                let byte = self.bytes[self.index]
                self.index += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: text, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard self.index < self.bytes.count else { throw Malformed(offset: self.index) }
                    let escaped = self.bytes[self.index]
                    self.index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
                    case UInt8(ascii: "b"): text.append(0x08)
                    case UInt8(ascii: "f"): text.append(0x0C)
                    case UInt8(ascii: "n"): text.append(0x0A)
                    case UInt8(ascii: "r"): text.append(0x0D)
                    case UInt8(ascii: "t"): text.append(0x09)
                    case UInt8(ascii: "u"): text.append(contentsOf: String(Character(try self.unicodeEscape())).utf8)
                    default: throw Malformed(offset: self.index - 1)
                    }
                case ..<0x20: throw Malformed(offset: self.index - 1)
                default: text.append(byte)
                }
            }
            throw Malformed(offset: self.index)
        }

        /// The scalar of `\uXXXX` (the `\u` read), a surrogate pair read whole; a lone surrogate is U+FFFD, as
        /// reading the escapes as UTF-16 makes it.
        private mutating func unicodeEscape() throws(Malformed) -> Unicode.Scalar {
            let first = try self.hex4()
            switch first {
            case 0xD800...0xDBFF:
                let next = self.index
                if self.take(UInt8(ascii: "\\")), self.take(UInt8(ascii: "u")), let second = try? self.hex4(),
                    (0xDC00...0xDFFF).contains(second)
                {
                    return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
                }
                self.index = next  // whatever follows is read on its own
                self.replacedLoneSurrogate = true
                return "\u{FFFD}"
            case 0xDC00...0xDFFF:
                self.replacedLoneSurrogate = true
                return "\u{FFFD}"
            default:
                return Unicode.Scalar(first)!
            }
        }

        private mutating func hex4() throws(Malformed) -> UInt32 {
            guard self.bytes.count - self.index >= 4 else { throw Malformed(offset: self.index) }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = self.bytes[self.index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw Malformed(offset: self.index)
                }
                value = value << 4 | UInt32(digit)
                self.index += 1
            }
            return value
        }
    }
}
