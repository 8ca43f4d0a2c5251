import Foundation
import NIOCore
import Testing

@testable import Leadlight

/// The streaming multipart reader of the dashboard's uploads, fuzzed: any cut of a form reads the same parts, and
/// any bytes are read or refused with `Malformed`, never a crash.
@Suite struct MultipartFormStreamTests {
    struct Chunks: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let pieces: [[UInt8]]

        struct AsyncIterator: AsyncIteratorProtocol {
            var pieces: ArraySlice<[UInt8]>
            mutating func next() async throws -> ByteBuffer? {
                guard let first = self.pieces.popFirst() else { return nil }
                return ByteBuffer(bytes: first)
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pieces: self.pieces[...]) }
    }

    /// Every part, with its content, as read from `bytes` cut at `cuts`.
    static func parts(_ bytes: [UInt8], boundary: String, cuts: [Int]) async throws -> [(String, String?, [UInt8])] {
        var pieces: [[UInt8]] = []
        var start = 0
        for cut in cuts.sorted() + [bytes.count] where cut >= start {
            pieces.append(Array(bytes[start..<cut]))
            start = cut
        }
        var form = MultipartFormStream(Chunks(pieces: pieces), boundary: boundary)
        var parts: [(String, String?, [UInt8])] = []
        while let part = try await form.nextPart() {
            parts.append((part.name, part.fileName, try await form.readValue(upTo: 1 << 20)))
        }
        return parts
    }

    @Test func aFormReadsTheSameHoweverItArrives() async throws {
        var input = FuzzInput(stream: "multipart-stream")
        let alphabet: [UInt8] = Array("-\r\nab=\"".utf8) + [0, 0xFF]
        for _ in 0..<FuzzInput.iterations / 8 {
            let boundary = input.pick(["x", "----b", "AaB03x"])
            var body = Array(input.pick(["", "preamble\r\n"]).utf8)
            var expected: [(String, String?, [UInt8])] = []
            for index in 0..<input.int(0...3) {
                let content = (0..<input.int(0...40)).map { _ in input.pick(alphabet) }
                let file: String? = input.chance(0.5) ? "f\(index).csv" : nil
                body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"p\(index)\"".utf8)
                if let file { body += Array("; filename=\"\(file)\"\r\nContent-Type: text/csv".utf8) }
                body += Array("\r\n\r\n".utf8) + content + Array("\r\n".utf8)
                expected.append(("p\(index)", file, content))
            }
            body += Array("--\(boundary)--\r\n".utf8)
            let cuts = (0..<input.int(0...5)).map { _ in input.int(0...body.count) }
            // a content that holds the delimiter itself is not a form this test makes
            guard
                !expected.contains(where: {
                    MultipartFormStream<Chunks>.index(of: Array("\r\n--\(boundary)".utf8), in: $0.2) != nil
                })
            else { continue }
            let read = try await Self.parts(body, boundary: boundary, cuts: cuts)
            #expect(read.map(\.0) == expected.map(\.0))
            #expect(read.map(\.1) == expected.map(\.1))
            #expect(read.map(\.2) == expected.map(\.2), "\(body) cut at \(cuts)")
        }
    }

    @Test func anyBytesAreReadOrRefusedNeverACrash() async throws {
        var input = FuzzInput(stream: "multipart-stream-bytes")
        let alphabet: [UInt8] = Array("-\r\nx=\":;nameContent-Disposition".utf8) + [0, 0xFF]
        for _ in 0..<FuzzInput.iterations / 4 {
            var bytes = (0..<input.int(0...120)).map { _ in input.pick(alphabet) }
            if input.chance(0.5) { bytes = Array("--x\r\n".utf8) + bytes }
            let cuts = (0..<input.int(0...4)).map { _ in input.int(0...bytes.count) }
            do {
                _ = try await Self.parts(bytes, boundary: "x", cuts: cuts)
            } catch is MultipartFormStream<Chunks>.Malformed {
                continue
            }
        }
    }
}
