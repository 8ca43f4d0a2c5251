import NIOCore

/// Writes compact JSON straight into a byte buffer, for the few answers large enough that `JSONEncoder`'s
/// generic machinery shows in a profile (the per-row results of a 1,000-row upsert).
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    private var needsComma: [Bool] = []

    init(capacity: Int = 1024) {
        self.buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func beginObject() {
        self.separate()
        self.buffer.writeInteger(UInt8(ascii: "{"))
        self.needsComma.append(false)
    }

    mutating func endObject() {
        self.needsComma.removeLast()
        self.buffer.writeInteger(UInt8(ascii: "}"))
    }

    mutating func beginArray(_ key: String) {
        self.key(key)
        self.buffer.writeInteger(UInt8(ascii: "["))
        self.needsComma.append(false)
    }

    mutating func endArray() {
        self.needsComma.removeLast()
        self.buffer.writeInteger(UInt8(ascii: "]"))
    }

    mutating func beginObject(_ key: String) {
        self.key(key)
        self.buffer.writeInteger(UInt8(ascii: "{"))
        self.needsComma.append(false)
    }

    mutating func write(_ key: String, _ value: String) {
        self.key(key)
        self.string(value)
    }

    /// Writes `null` when the value is nil: for bodies whose every field is always present.
    mutating func writeOrNull(_ key: String, _ value: String?) {
        self.key(key)
        if let value { self.string(value) } else { self.buffer.writeStaticString("null") }
    }

    /// Leaves the key out when the value is nil, as `JSONEncoder` does for optionals.
    mutating func write(_ key: String, _ value: String?) {
        if let value { self.write(key, value) }
    }

    mutating func write(_ key: String, _ value: Int) {
        self.key(key)
        self.buffer.writeString(String(value))
    }

    /// Writes `json`, already JSON (an event's stored data, which our own encoder wrote), as the value.
    mutating func writeRaw(_ key: String, json: String) {
        self.key(key)
        self.buffer.writeString(json)
    }

    mutating func write(_ key: String, _ value: Bool) {
        self.key(key)
        self.buffer.writeStaticString(value ? "true" : "false")
    }

    private mutating func key(_ key: String) {
        self.separate()
        self.string(key)
        self.buffer.writeInteger(UInt8(ascii: ":"))
    }

    private mutating func separate() {
        guard !self.needsComma.isEmpty else { return }
        if self.needsComma[self.needsComma.count - 1] { self.buffer.writeInteger(UInt8(ascii: ",")) }
        self.needsComma[self.needsComma.count - 1] = true
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, … or `\u00XX`, all else as UTF-8.
    private mutating func string(_ value: String) {
        self.buffer.writeInteger(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                self.buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index]))
                switch byte {
                case UInt8(ascii: "\""): self.buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): self.buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\n"): self.buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): self.buffer.writeStaticString("\\r")
                case UInt8(ascii: "\t"): self.buffer.writeStaticString("\\t")
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    self.buffer.writeStaticString("\\u00")
                    self.buffer.writeInteger(hex[Int(byte >> 4)])
                    self.buffer.writeInteger(hex[Int(byte & 0x0F)])
                }
                start = index + 1
            }
            self.buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...]))
        }
        self.buffer.writeInteger(UInt8(ascii: "\""))
    }
}
