import Foundation

/// Reads a child process's pipe with `read(2)`, retrying when a signal interrupts it. Foundation's
/// `readDataToEndOfFile()` and `availableData` crash (`try!`) on EINTR, which child processes ending make likely.
enum PipeReader {
    /// Everything left in the pipe.
    static func readToEnd(_ handle: FileHandle) -> Data {
        var data = Data()
        while let chunk = Self.readChunk(handle) { data.append(chunk) }
        return data
    }

    /// The next bytes, waiting for some; nil at the pipe's end (or on a read error).
    static func readChunk(_ handle: FileHandle) -> Data? {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 { return Data(buffer[0..<count]) }
            if count < 0, errno == EINTR { continue }
            return nil
        }
    }
}
