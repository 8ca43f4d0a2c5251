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

    /// `2026-11-23T21:37:38.123Z`
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}
