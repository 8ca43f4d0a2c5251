import Foundation
import Testing

@testable import Leadlight

/// An import's keys kept in bounded memory: the first line of each key, across the move to a file of their own.
@Suite struct KeyLinesTests {
    @Test func aKeySeenBeforeGivesItsFirstLineBeforeAndAfterTheKeysMoveToAFile() async throws {
        let keys = KeyLines(inMemory: 100)
        var expected: [Int?] = []
        var asked: [(key: String, line: Int)] = []
        var firstLine: [String: Int] = [:]
        var random = SeededGenerator(seed: 7)
        for line in 2..<1_000 {
            let key = "sku:\(Int.random(in: 0..<400, using: &random))"
            asked.append((key, line))
            expected.append(firstLine[key])
            if firstLine[key] == nil { firstLine[key] = line }
        }
        var answers: [Int?] = []
        for chunk in stride(from: 0, to: asked.count, by: 64) {
            answers += try await keys.firstLines(Array(asked[chunk..<min(chunk + 64, asked.count)]))
        }
        #expect(answers == expected)
        #expect(keys.filePath.map(FileManager.default.fileExists(atPath:)) == true)
    }

    @Test func theKeysFileIsDeletedWithTheImport() async throws {
        var path: String?
        do {
            let keys = KeyLines(inMemory: 10)
            _ = try await keys.firstLines((0..<50).map { ("k\($0)", $0 + 2) })
            path = keys.filePath
            #expect(path.map(FileManager.default.fileExists(atPath:)) == true)
        }
        #expect(path.map(FileManager.default.fileExists(atPath:)) == false)
    }
}
