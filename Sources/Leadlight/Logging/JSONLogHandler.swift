import Foundation
import Logging

/// How log lines are written: `text` (swift-log's own, for people) or `json` (one object a line, for machines).
package enum LogFormat: String, Sendable {
    case text
    case json
}

/// Writes each log line as one JSON object on stderr: `time` (UTC, milliseconds), `level`, `message`, `label`,
/// and the line's metadata beside them (`request_id`, `workspace_id`, `route`, `status`, `duration_ms`, …).
/// Numbers stay numbers, nested metadata becomes nested objects. Each line is one `write`, so lines from many
/// threads never interleave.
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info
    package var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable ([UInt8]) -> Void

    package init(label: String, write: @escaping @Sendable ([UInt8]) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.write = write
    }

    package static let standardError: @Sendable ([UInt8]) -> Void = { line in
        FileHandle.standardError.write(Data(line))
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        self.write(
            Self.line(
                time: Date(), level: event.level, message: "\(event.message)", label: self.label,
                self.metadata(of: event)))
    }

    /// One line: the fixed fields first, then the metadata by name.
    static func line(
        time: Date, level: Logger.Level, message: String, label: String, _ metadata: Logger.Metadata
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.write("time", Self.timestamp(time))
        writer.write("level", level.rawValue)
        writer.write("message", message)
        writer.write("label", label)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key })
        where !["time", "level", "message", "label"].contains(key) {
            Self.write(key, value, into: &writer)
        }
        writer.endObject()
        return writer.bytes + [UInt8(ascii: "\n")]
    }

    private static func write(_ key: String, _ value: Logger.Metadata.Value, into writer: inout JSONWriter) {
        switch value {
        case .string(let text): writer.write(key, text)
        case .stringConvertible(let value):
            switch value {
            case let number as Int: writer.write(key, number)
            case let number as Double where number.isFinite: writer.writeRaw(key, json: "\(number)")
            case let flag as Bool: writer.write(key, flag)
            default: writer.write(key, value.description)
            }
        case .dictionary(let dictionary):
            writer.beginObject(key)
            for (inner, value) in dictionary.sorted(by: { $0.key < $1.key }) {
                Self.write(inner, value, into: &writer)
            }
            writer.endObject()
        case .array(let values): writer.write(key, "\(Logger.Metadata.Value.array(values))")
        }
    }

    /// ISO 8601 in UTC with milliseconds, as `2026-12-06T13:04:05.123Z`.
    private static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}
