import Logging

/// The `text` log format: swift-log's `StreamLogHandler` on stderr, its lines unchanged, but the metadata kept
/// here as it is set and handed to it only when a line is written. `StreamLogHandler` renders its metadata as
/// text at every change, and every request sets two entries (`request_id`, then `workspace_id`) whether or not
/// a line is ever written: 2% of an uncached list request's time (docs/BENCHMARKS.md).
struct TextLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private var stream: StreamLogHandler

    init(label: String) {
        self.stream = StreamLogHandler.standardError(label: label)
    }

    var logLevel: Logger.Level {
        get { self.stream.logLevel }
        set { self.stream.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        let metadata = self.metadata(of: event)
        event.metadata = metadata.isEmpty ? nil : metadata
        self.stream.log(event: event)
    }
}
