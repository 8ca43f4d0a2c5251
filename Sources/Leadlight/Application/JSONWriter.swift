import Foundation
import NIOCore

/// Writes compact JSON straight into bytes, for the answers large enough that `JSONEncoder`'s generic machinery
/// shows in a profile (a page of 50 leads, the per-row results of a 1,000-row upsert). The bytes gather in an
/// array and become one `ByteBuffer` at the end: a `ByteBuffer` write costs tens of nanoseconds (uniqueness and
/// capacity checks each time), and a page of leads is a few thousand writes.
struct JSONWriter {
    private var written: [UInt8] = []
    /// Whether what is written next follows a value in its object or array (and so a comma). A stack of these is
    /// not needed: a container begins without one, and once it ends it is a value of the one around it.
    private var followsValue = false

    init(capacity: Int = 1024) {
        self.written.reserveCapacity(capacity)
    }

    /// What has been written.
    var buffer: ByteBuffer { ByteBuffer(bytes: self.written) }

    /// What has been written, as bytes.
    var bytes: [UInt8] { self.written }

    mutating func beginObject() {
        self.separate()
        self.written.append(UInt8(ascii: "{"))
        self.followsValue = false
    }

    mutating func endObject() {
        self.written.append(UInt8(ascii: "}"))
        self.followsValue = true
    }

    mutating func beginArray(_ key: String) {
        self.key(key)
        self.written.append(UInt8(ascii: "["))
        self.followsValue = false
    }

    mutating func endArray() {
        self.written.append(UInt8(ascii: "]"))
        self.followsValue = true
    }

    mutating func beginObject(_ key: String) {
        self.key(key)
        self.written.append(UInt8(ascii: "{"))
        self.followsValue = false
    }

    mutating func write(_ key: String, _ value: String) {
        self.key(key)
        self.string(value)
    }

    /// Writes `null` when the value is nil: for bodies whose every field is always present.
    mutating func writeOrNull(_ key: String, _ value: String?) {
        self.key(key)
        if let value { self.string(value) } else { self.raw("null") }
    }

    /// Leaves the key out when the value is nil, as `JSONEncoder` does for optionals.
    mutating func write(_ key: String, _ value: String?) {
        if let value { self.write(key, value) }
    }

    /// A time as the API writes every time (`LeadlightJSON.timestamp`).
    mutating func write(_ key: String, _ value: Date) {
        self.key(key)
        self.written.append(UInt8(ascii: "\""))
        if LeadlightJSON.appendTimestamp(value, to: &self.written) {
            self.written.append(UInt8(ascii: "\""))
        } else {
            self.written.removeLast()
            self.string(LeadlightJSON.timestamp(value))
        }
    }

    /// Writes `null` when the time is nil.
    mutating func writeOrNull(_ key: String, _ value: Date?) {
        if let value { self.write(key, value) } else { self.writeOrNull(key, nil as String?) }
    }

    mutating func write(_ key: String, _ value: Int) {
        self.key(key)
        self.raw(String(value))
    }

    /// Writes `json`, already JSON (an event's stored data, which our own encoder wrote), as the value.
    mutating func writeRaw(_ key: String, json: String) {
        self.key(key)
        self.raw(json)
    }

    mutating func write(_ key: String, _ value: Bool) {
        self.key(key)
        self.raw(value ? "true" : "false")
    }

    private mutating func key(_ key: String) {
        self.separate()
        self.string(key)
        self.written.append(UInt8(ascii: ":"))
    }

    /// Before a key, or a value in an array: a comma after the value before it.
    private mutating func separate() {
        if self.followsValue { self.written.append(UInt8(ascii: ",")) }
        self.followsValue = true
    }

    private mutating func raw(_ text: String) {
        var text = text
        text.withUTF8 { self.written.append(contentsOf: $0) }
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, `\b`, … or `\u00XX` (as `JSONEncoder`
    /// writes them), all else as UTF-8.
    /// Eight bytes are looked at a time while none of them needs escaping (most text): a page of 50 leads is
    /// about a thousand strings and keys.
    private mutating func string(_ value: String) {
        self.written.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { text in
            guard let base = text.baseAddress else { return }
            var start = 0
            var index = 0
            while index < text.count {
                if index + 8 <= text.count,
                    !Self.anyNeedsEscaping(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                {
                    index += 8
                    continue
                }
                let byte = text[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    self.written.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<index]))
                    self.escape(byte)
                    start = index + 1
                }
                index += 1
            }
            self.written.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...]))
        }
        self.written.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): self.raw("\\\"")
        case UInt8(ascii: "\\"): self.raw("\\\\")
        case UInt8(ascii: "\n"): self.raw("\\n")
        case UInt8(ascii: "\r"): self.raw("\\r")
        case UInt8(ascii: "\t"): self.raw("\\t")
        case 0x08: self.raw("\\b")  // as JSONEncoder writes them
        case 0x0C: self.raw("\\f")
        default:
            let hex = Array("0123456789abcdef".utf8)
            self.raw("\\u00")
            self.written.append(hex[Int(byte >> 4)])
            self.written.append(hex[Int(byte & 0x0F)])
        }
    }

    /// Whether any of the eight bytes is below 0x20, a `"` or a `\` (the bit tricks of "Bit Twiddling Hacks":
    /// `hasless` and `haszero`, exact as a yes or no for the whole word).
    private static func anyNeedsEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func anyZero(_ word: UInt64) -> Bool { (word &- ones) & ~word & highBits != 0 }
        let anyBelowSpace = (word &- ones &* 0x20) & ~word & highBits != 0
        return anyBelowSpace || anyZero(word ^ (ones &* UInt64(UInt8(ascii: "\""))))
            || anyZero(word ^ (ones &* UInt64(UInt8(ascii: "\\"))))
    }
}
