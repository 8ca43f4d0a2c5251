import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 client that behaves like Python's `urllib`: it writes the whole request, body included, before it
/// reads a byte of the answer, then reads until the server closes. Blocking sockets with timeouts, on a thread of
/// its own, so a server that stops reading shows up as a timeout here instead of a hung test.
enum WriteFirstHTTPClient {
    struct Exchange: Sendable {
        /// Everything the server sent, head and body.
        var response: String
        /// Whether the whole request could be written before the timeout.
        var wroteWholeRequest: Bool
        var elapsed: Duration

        var statusCode: Int? {
            let statusLine = self.response.split(separator: "\r\n", maxSplits: 1).first ?? ""
            return statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends `head` (the request line and header lines, without the blank line) and `body` to 127.0.0.1:`port`.
    static func exchange(
        port: Int,
        head: [String],
        body: [UInt8],
        timeout: Duration = .seconds(10)
    ) async throws -> Exchange {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Result { try Self.blockingExchange(port: port, head: head, body: body, timeout: timeout) })
            }
            thread.start()
        }
    }

    /// Sends `head` and `body` (a body shorter than its `Content-Length`, say) and closes the connection without
    /// reading: a client that gives up half way.
    static func hangUp(port: Int, head: [String], body: [UInt8]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                continuation.resume(
                    with: Result {
                        let descriptor = try Self.connect(port: port, timeout: .seconds(10))
                        defer { close(descriptor) }
                        let request = Array((head.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
                        guard Self.send(request, on: descriptor) == request.count else {
                            throw Failure(description: "send: \(errno)")
                        }
                    })
            }
            thread.start()
        }
    }

    private static func blockingExchange(port: Int, head: [String], body: [UInt8], timeout: Duration) throws
        -> Exchange
    {
        let started = ContinuousClock.now
        let descriptor = try Self.connect(port: port, timeout: timeout)
        defer { close(descriptor) }
        let request = Array((head.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
        let sent = Self.send(request, on: descriptor)

        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            received += chunk[..<count]
        }
        return Exchange(
            response: String(decoding: received, as: UTF8.self), wroteWholeRequest: sent == request.count,
            elapsed: ContinuousClock.now - started)
    }

    /// A blocking socket connected to 127.0.0.1:`port`, sends and receives timing out after `timeout`.
    private static func connect(port: Int, timeout: Duration) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(errno)") }
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let connected = LoopbackAddress.with(port: port) { Glibc.connect(descriptor, $0, $1) }
        guard connected == 0 else {
            close(descriptor)
            throw Failure(description: "connect: \(errno)")
        }
        return descriptor
    }

    /// Writes `bytes` until done, timed out, or the server closed; how many were written.
    private static func send(_ bytes: [UInt8], on descriptor: Int32) -> Int {
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { break }  // timed out, or the server closed (EPIPE is not raised: MSG_NOSIGNAL)
            sent += written
        }
        return sent
    }
}
