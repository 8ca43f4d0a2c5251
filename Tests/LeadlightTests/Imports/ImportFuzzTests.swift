import Foundation
import HummingbirdTesting
import Testing

@testable import Leadlight

/// Any file sent to an import is imported or refused with a clear answer: never a 500, never a crash, and the
/// counts always add up (issue 12; the parser alone is fuzzed in `CSVParserTests`).
@Suite struct ImportFuzzTests {
    @Test func anyFileIsImportedOrRefusedAndTheCountsAddUp() async throws {
        var input = FuzzInput(stream: "import-files")
        var files: [(kind: String, body: [UInt8])] = []
        let headers = ["sku", "name", "price", "email", "phone", "Product Name", "Unit Price", "stage", "", "\"x"]
        let cells = [
            "", "A-1", "Oak", "12.50", "twelve", "ann@example.com", "+1 555 0100", "\"quoted, cell\"", "\"open",
            "yes", "Touring", "😀", "=1+1", "a\"b",
        ]
        for _ in 0..<max(40, FuzzInput.iterations / 40) {
            let delimiter = input.pick([",", ";", "\t"])
            let columns = (0..<input.int(1...5)).map { _ in input.pick(headers) }
            var text = columns.joined(separator: delimiter) + input.pick(["\n", "\r\n"])
            for _ in 0..<input.int(0...12) {
                text += (0..<input.int(0...6)).map { _ in input.pick(cells) }.joined(separator: delimiter)
                text += input.pick(["\n", "\r\n", "\r", ""])
            }
            var bytes = Array(text.utf8)
            if input.chance(0.2), !bytes.isEmpty {
                bytes[input.int(0...(bytes.count - 1))] = input.pick([0xFF, 0xC3, 0x00])
            }
            if input.chance(0.1) { bytes = [0xEF, 0xBB, 0xBF] + bytes }
            files.append((input.pick(["products", "leads", "clients"]), bytes))
        }
        let corpus = files
        try await withTestApp(.sqlite, configure: { $0.rateLimitPerMinute = 100_000 }) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                for (kind, bytes) in corpus {
                    let response = try await client.send(
                        .post, "/api/v1/\(kind)/import", body: Data(bytes), key: key, contentType: "text/csv")
                    #expect([200, 207, 400].contains(response.status.code), "\(kind): \(bytes) → \(response.text)")
                    guard response.status.code != 400 else {
                        #expect(try response.error.error.code == "unusable_file")
                        continue
                    }
                    let result = try response.importResult
                    let summary = result.summary
                    #expect(summary.total == summary.created + summary.updated + summary.unchanged + summary.failed)
                    #expect(result.failures.count == summary.failed)
                    #expect(result.failures.allSatisfy { $0.line >= 2 && $0.line <= result.import.linesRead })
                    #expect(result.failures.allSatisfy { !$0.errors.isEmpty })
                }
            }
        }
    }
}
