import Logging

extension LogHandler {
    /// What a line carries: the handler's own metadata, then its provider's (a task's request id), then the line's
    /// own; a later one wins a key they share.
    func metadata(of event: LogEvent) -> Logger.Metadata {
        var metadata = self.metadata
        if let provided = self.metadataProvider?.get() { metadata.merge(provided) { $1 } }
        if let given = event.metadata { metadata.merge(given) { $1 } }
        return metadata
    }
}
