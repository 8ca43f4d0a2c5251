import Foundation
import NIOCore

/// A `multipart/form-data` body read part by part as it arrives, so a file upload is never held whole: a small
/// field's value is collected (within a limit), a file's bytes are handed on a piece at a time. Browsers send a
/// form's parts in the order of its fields, so a form that puts its CSRF token before its file lets the token be
/// checked before a byte of the file is kept.
package struct MultipartFormStream<Body: AsyncSequence> where Body.Element == ByteBuffer {
    /// One part's headers: its field name, and for a file its file name and type.
    package struct Part: Sendable, Equatable {
        package var name: String
        package var fileName: String?
        package var contentType: String?
    }

    /// The body is not the multipart form it says it is.
    package struct Malformed: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    private var chunks: Body.AsyncIterator
    /// `CRLF--boundary`: what ends each part's content.
    private let delimiter: [UInt8]
    /// Bytes read and not yet handed on.
    private var pending: [UInt8] = []
    private var exhausted = false
    private var state = State.beforePart

    private enum State {
        /// At a delimiter's end: next come a part's headers, or `--` and the end.
        case beforePart
        /// Inside a part's content.
        case inPart
        case finished
    }

    static var maxHeaderBytes: Int { 8 * 1024 }

    package init(_ body: Body, boundary: String) {
        self.chunks = body.makeAsyncIterator()
        self.delimiter = Array("\r\n--\(boundary)".utf8)
        // the first delimiter has no line break before it: one is put there
        self.pending = Array("\r\n".utf8)
        self.state = .inPart
    }

    /// The next part's headers, or nil after the last part. The content of the part before, if not read, is skipped.
    package mutating func nextPart() async throws -> Part? {
        if self.state == .inPart {
            try await self.readContent { _ in }
        }
        guard self.state == .beforePart else { return nil }
        // after the delimiter: `--` ends the form; otherwise a line break and the part's headers
        try await self.fill(atLeast: 2)
        if self.pending.starts(with: Array("--".utf8)) {
            self.state = .finished
            return nil
        }
        guard let headersEnd = try await self.find(Array("\r\n\r\n".utf8), within: Self.maxHeaderBytes) else {
            throw Malformed(description: "a part's headers do not end within \(Self.maxHeaderBytes) bytes")
        }
        guard self.pending.starts(with: Array("\r\n".utf8)) else {
            throw Malformed(description: "a boundary is not followed by a line break")
        }
        let headerText = headersEnd > 2 ? String(decoding: self.pending[2..<headersEnd], as: UTF8.self) : ""
        self.pending.removeFirst(headersEnd + 4)
        self.state = .inPart
        return try Self.part(headers: headerText)
    }

    /// The current part's content, whole, if it is at most `limit` bytes (a text field).
    package mutating func readValue(upTo limit: Int) async throws -> [UInt8] {
        var value: [UInt8] = []
        try await self.readContent { piece in
            guard value.count + piece.count <= limit else {
                throw Malformed(description: "a field is longer than \(limit) bytes")
            }
            value += piece
        }
        return value
    }

    /// Hands the current part's content to `onPiece` as it arrives.
    package mutating func readContent(_ onPiece: ([UInt8]) async throws -> Void) async throws {
        guard self.state == .inPart else { return }
        while true {
            if let at = Self.index(of: self.delimiter, in: self.pending) {
                if at > 0 { try await onPiece(Array(self.pending[..<at])) }
                self.pending.removeFirst(at + self.delimiter.count)
                self.state = .beforePart
                return
            }
            // all but what could be the start of a delimiter split between chunks
            let safe = self.pending.count - (self.delimiter.count - 1)
            if safe > 0 {
                try await onPiece(Array(self.pending[..<safe]))
                self.pending.removeFirst(safe)
            }
            guard try await self.readChunk() else {
                throw Malformed(description: "the body ends inside a part, before its closing boundary")
            }
        }
    }

    /// Reads until `pending` holds `count` bytes; fewer only at the end of the body.
    private mutating func fill(atLeast count: Int) async throws {
        while self.pending.count < count, try await self.readChunk() {}
    }

    /// Where `needle` starts in `pending`, reading more while it is not there and `pending` is under `limit`.
    private mutating func find(_ needle: [UInt8], within limit: Int) async throws -> Int? {
        while true {
            if let at = Self.index(of: needle, in: self.pending) { return at }
            guard self.pending.count < limit, try await self.readChunk() else { return nil }
        }
    }

    private mutating func readChunk() async throws -> Bool {
        guard !self.exhausted, let chunk = try await self.chunks.next() else {
            self.exhausted = true
            return false
        }
        self.pending += chunk.readableBytesView
        return true
    }

    static func index(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var start = 0
        while start <= haystack.count - needle.count {
            guard let at = haystack[start...(haystack.count - needle.count)].firstIndex(of: first) else { return nil }
            if haystack[at..<(at + needle.count)].elementsEqual(needle) { return at }
            start = at + 1
        }
        return nil
    }

    /// The part's `Content-Disposition` name and file name, and its `Content-Type`.
    static func part(headers: String) throws -> Part {
        var name: String?
        var fileName: String?
        var contentType: String?
        for line in headers.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else {
                throw Malformed(description: "a part's header line has no colon")
            }
            let field = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch field {
            case "content-disposition":
                let disposition = MIMEHeaderValue(value)
                name = disposition["name"]
                fileName = disposition["filename"]
            case "content-type":
                contentType = value
            default: continue
            }
        }
        guard let name else { throw Malformed(description: "a part has no field name") }
        return Part(name: name, fileName: fileName, contentType: contentType)
    }
}
