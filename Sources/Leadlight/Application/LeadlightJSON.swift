import Foundation

/// The JSON settings of every API response: ISO 8601 UTC times with milliseconds, slashes unescaped.
enum LeadlightJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Self.timestamp(date))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        JSONDecoder()
    }

    /// An ISO 8601 time a client sent, with or without fractional seconds (query filters, body fields).
    static func date(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
    }

    /// `2026-11-23T21:37:38.123Z`. Computed directly from the milliseconds (days to civil date as in
    /// Howard Hinnant's algorithm): Foundation's ISO 8601 style costs a calendar computation per date, which
    /// showed in profiles of 50-row answers. Years outside 0–9999 fall back to Foundation.
    static func timestamp(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        guard self.appendTimestamp(date, to: &bytes) else {
            return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `timestamp(date)`'s bytes, without making a `String` (a page of 50 leads writes 100 times); false,
    /// appending nothing, for a year outside 0–9999.
    static func appendTimestamp(_ date: Date, to bytes: inout [UInt8]) -> Bool {
        let milliseconds = date.millisecondsSince1970
        let dayLength: Int64 = 86_400_000
        let days = milliseconds >= 0 ? milliseconds / dayLength : (milliseconds - dayLength + 1) / dayLength
        let inDay = Int(milliseconds - days * dayLength)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        let year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
        guard (0...9999).contains(year) else { return false }
        // written into 24 bytes on the stack, then appended at once: an append per character showed in profiles
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            func put(_ value: Int, at offset: Int, digits: Int) {
                var value = value
                for index in (offset..<offset + digits).reversed() {
                    text[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10)
                    value /= 10
                }
            }
            put(year, at: 0, digits: 4)
            text[4] = UInt8(ascii: "-")
            put(month, at: 5, digits: 2)
            text[7] = UInt8(ascii: "-")
            put(day, at: 8, digits: 2)
            text[10] = UInt8(ascii: "T")
            put(inDay / 3_600_000, at: 11, digits: 2)
            text[13] = UInt8(ascii: ":")
            put(inDay / 60_000 % 60, at: 14, digits: 2)
            text[16] = UInt8(ascii: ":")
            put(inDay / 1000 % 60, at: 17, digits: 2)
            text[19] = UInt8(ascii: ".")
            put(inDay % 1000, at: 20, digits: 3)
            text[23] = UInt8(ascii: "Z")
            bytes.append(contentsOf: text)
        }
        return true
    }
}
