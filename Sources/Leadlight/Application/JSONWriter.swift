import Foundation
import NIOCore

/// Writes compact JSON straight into bytes, for the answers large enough that `JSONEncoder`'s generic machinery
/// shows in a profile (a page of 50 leads, the per-row results of a 1,000-row upsert). The bytes gather in an
/// array and become one `ByteBuffer` at the end: a `ByteBuffer` write costs tens of nanoseconds (uniqueness and
/// capacity checks each time), and a page of leads is a few thousand writes.
struct JSONWriter {
    private var written: [UInt8] = []
    private var needsComma: [Bool] = []

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
        self.needsComma.append(false)
    }

    mutating func endObject() {
        self.needsComma.removeLast()
        self.written.append(UInt8(ascii: "}"))
    }

    mutating func beginArray(_ key: String) {
        self.key(key)
        self.written.append(UInt8(ascii: "["))
        self.needsComma.append(false)
    }

    mutating func endArray() {
        self.needsComma.removeLast()
        self.written.append(UInt8(ascii: "]"))
    }

    mutating func beginObject(_ key: String) {
        self.key(key)
        self.written.append(UInt8(ascii: "{"))
        self.needsComma.append(false)
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

    private mutating func separate() {
        guard !self.needsComma.isEmpty else { return }
        if self.needsComma[self.needsComma.count - 1] { self.written.append(UInt8(ascii: ",")) }
        self.needsComma[self.needsComma.count - 1] = true
    }

    private mutating func raw(_ text: String) {
        var text = text
        text.withUTF8 { self.written.append(contentsOf: $0) }
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, … or `\u00XX`, all else as UTF-8.
    private mutating func string(_ value: String) {
        self.written.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { text in
            var start = 0
            for (index, byte) in text.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                self.written.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<index]))
                switch byte {
                case UInt8(ascii: "\""): self.raw("\\\"")
                case UInt8(ascii: "\\"): self.raw("\\\\")
                case UInt8(ascii: "\n"): self.raw("\\n")
                case UInt8(ascii: "\r"): self.raw("\\r")
                case UInt8(ascii: "\t"): self.raw("\\t")
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    self.raw("\\u00")
                    self.written.append(hex[Int(byte >> 4)])
                    self.written.append(hex[Int(byte & 0x0F)])
                }
                start = index + 1
            }
            self.written.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...]))
        }
        self.written.append(UInt8(ascii: "\""))
    }
}
