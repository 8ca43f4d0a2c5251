import Testing

@testable import Leadlight

/// The CSV parser on real files' shapes, with the line each record starts on, and fuzzed: any bytes in any chunks.
@Suite struct CSVParserTests {
    @Test func quotedFieldsHoldDelimitersQuotesAndLineBreaksAndLinesStayCounted() {
        let file =
            "name,description,price\r\n\"Oak, large\",\"He said \"\"fine\"\"\r\nand left\",12\r\nPine,plain,3\r\n"
        #expect(
            Self.records(file) == [
                .init(line: 1, lastLine: 1, fields: ["name", "description", "price"], problem: nil),
                .init(
                    line: 2, lastLine: 3, fields: ["Oak, large", "He said \"fine\"\r\nand left", "12"], problem: nil),
                .init(line: 4, lastLine: 4, fields: ["Pine", "plain", "3"], problem: nil),
            ])
    }

    @Test func lfCrlfAndCrLineEndsReadAlike() {
        let lines = ["a,b", "1,2", "3,4"]
        let expected = Self.records(lines.joined(separator: "\n"))
        #expect(expected.count == 3)
        #expect(Self.records(lines.joined(separator: "\r\n") + "\r\n") == expected)
        #expect(Self.records(lines.joined(separator: "\r") + "\r") == expected)
        #expect(expected.map(\.line) == [1, 2, 3])
    }

    @Test func aByteOrderMarkIsSkippedAndTheDelimiterFoundFromTheHeader() {
        var parser = CSVParser()
        var records: [CSVParser.Record] = []
        parser.read([0xEF, 0xBB, 0xBF] + Array("sku;name;price\nA1;\"x;y\";1,5\n".utf8), into: &records)
        parser.finish(into: &records)
        #expect(parser.delimiter == UInt8(ascii: ";"))
        #expect(records.map(\.fields) == [["sku", "name", "price"], ["A1", "x;y", "1,5"]])
        #expect(Self.records("a\tb\n1\t2").map(\.fields) == [["a", "b"], ["1", "2"]])
        // a chosen delimiter is kept, whatever the header holds
        #expect(
            Self.records("a;b,c\n1;2,3", delimiter: UInt8(ascii: ",")).map(\.fields) == [["a;b", "c"], ["1;2", "3"]])
    }

    @Test func blankLinesAndEmptyRowsAreSkippedButCounted() {
        let records = Self.records("a,b\n\n1,2\n,\n\r\n3,4\n")
        #expect(records.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(records.map(\.line) == [1, 3, 6])
    }

    @Test func anUnclosedQuoteIsReportedWithTheLinesItRanOver() {
        let records = Self.records("a,b\n1,\"open\n2,3\n4,5\n")
        #expect(records.count == 2)
        #expect(records[1].line == 2)
        #expect(records[1].problem == .unterminatedQuote(column: 2, lastLine: 4))
        #expect(records[1].problem?.description.contains("never closed") == true)
    }

    @Test func textThatIsNotUTF8IsAProblemOfItsRowAlone() {
        var parser = CSVParser()
        var records: [CSVParser.Record] = []
        parser.read(Array("a,b\n1,caf".utf8) + [0xE9] + Array("\n2,ok\n".utf8), into: &records)
        parser.finish(into: &records)
        #expect(records.map(\.problem) == [nil, .notUTF8(column: 2), nil])
        #expect(records[2].fields == ["2", "ok"])
    }

    @Test func fieldsPastTheLimitAreCutAndReported() {
        var limits = CSVParser.Limits()
        limits.fieldBytes = 10
        limits.fields = 3
        var parser = CSVParser(limits: limits)
        var records: [CSVParser.Record] = []
        parser.read(Array("a,b\n12345678901234,x\n1,2,3,4,5\n\"ab\"cd,e\n".utf8), into: &records)
        parser.finish(into: &records)
        #expect(records[1].problem == .fieldTooLong(column: 1, limit: 10))
        #expect(records[1].fields == ["1234567890", "x"])
        #expect(records[2].problem == .tooManyFields(limit: 3))
        #expect(records[2].fields.count == 3)
        #expect(records[3].problem == .textAfterClosingQuote(column: 1))
        #expect(records[3].line == 4)
    }

    /// Any bytes, cut into chunks anywhere: nothing crashes, every record's line is within the file, and the
    /// records are the same however the file was cut.
    @Test func anyBytesInAnyChunksReadTheSame() {
        var input = FuzzInput(stream: "csv-parser-bytes")
        let alphabet: [UInt8] = Array("\",;\t\r\n ab1".utf8) + [0xEF, 0xBB, 0xBF, 0xE9, 0xC3, 0xA9, 0x00, 0xFF]
        for _ in 0..<FuzzInput.iterations {
            let bytes = (0..<input.int(0...120)).map { _ in input.pick(alphabet) }
            var limits = CSVParser.Limits()
            limits.fieldBytes = input.int(1...40)
            limits.fields = input.int(1...8)
            let whole = Self.records(bytes, limits: limits, cuts: [])
            let cuts = (0..<input.int(0...6)).map { _ in input.int(0...max(0, bytes.count)) }.sorted()
            let cut = Self.records(bytes, limits: limits, cuts: cuts)
            #expect(cut == whole, "bytes \(bytes) cut at \(cuts)")
            let lines = bytes.filter { $0 == 0x0A || $0 == 0x0D }.count + 1
            for record in whole {
                #expect(record.line >= 1 && record.line <= record.lastLine && record.lastLine <= lines)
                #expect(record.fields.count <= limits.fields)
                #expect(record.fields.allSatisfy { $0.utf8.count <= limits.fieldBytes * 3 })
            }
        }
    }

    /// Fields written as RFC 4180 says come back exactly, with the lines they start on.
    @Test func writtenFieldsComeBackExactly() {
        var input = FuzzInput(stream: "csv-parser-round-trip")
        let pieces = ["a", "é", "Oak", " ", ",", ";", "\"", "\n", "\r\n", "1.5", "😀", ""]
        for _ in 0..<FuzzInput.iterations / 4 {
            let columns = input.int(1...5)
            let rows = (0..<input.int(1...6)).map { _ in
                (0..<columns).map { _ in (0..<input.int(0...4)).map { _ in input.pick(pieces) }.joined() }
            }
            let written = rows.map { row in
                row.map { field in
                    field.unicodeScalars.contains(where: { ",;\"\r\n".unicodeScalars.contains($0) }) || field.isEmpty
                        ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
                }.joined(separator: ",")
            }
            let file = written.joined(separator: input.pick(["\n", "\r\n"]))
            let read = Self.records(Array(file.utf8), delimiter: UInt8(ascii: ","), limits: .init(), cuts: [])
            let expected = rows.filter { $0.contains { !$0.isEmpty } }
            #expect(read.map(\.fields) == expected, "\(file.debugDescription)")
            #expect(read.allSatisfy { $0.problem == nil })
        }
    }

    private static func records(_ text: String, delimiter: UInt8? = nil) -> [CSVParser.Record] {
        Self.records(Array(text.utf8), delimiter: delimiter, limits: .init(), cuts: [])
    }

    private static func records(
        _ bytes: [UInt8], delimiter: UInt8? = nil, limits: CSVParser.Limits, cuts: [Int]
    ) -> [CSVParser.Record] {
        var parser = CSVParser(delimiter: delimiter, limits: limits)
        var records: [CSVParser.Record] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            parser.read(bytes[start..<max(start, cut)], into: &records)
            start = max(start, cut)
        }
        parser.finish(into: &records)
        return records
    }
}
