/// CSV as RFC 4180 writes it, read as it arrives, in chunks of any size: a record is handed over as soon as its
/// line ends, so a file is never held whole. Real files are read as people make them: CRLF, LF or CR line ends, a
/// UTF-8 byte-order mark, `,` `;` or tab as the delimiter (found from the header line unless chosen), quotes inside
/// unquoted fields taken as they are, blank lines skipped. What cannot be read is a problem of that record, with
/// its line: a field over the length limit or a row with too many fields (neither is kept past the limit, so memory
/// stays bounded), text that is not UTF-8, text after a closing quote, and a quote never closed (the file ends
/// inside it: the lines it ran over are named rather than swallowed silently).
///
/// yaslab/CSV.swift was the library to use; it is not, because it reads a blocking `InputStream` one scalar at a
/// time, keeps no line numbers, grows a field without limit, and ends an unclosed quoted field silently at the end
/// of the file (`CSVReader.readField`, "END FILE"), which is the case a user most needs told about.
package struct CSVParser: Sendable {
    package struct Limits: Sendable {
        /// The longest field kept, in bytes of UTF-8.
        package var fieldBytes = 32 * 1024
        /// The most fields a record may have.
        package var fields = 512
        /// The most bytes a record's fields may hold together.
        package var recordBytes = 256 * 1024

        package init() {}
    }

    /// One record: the line it starts on (the file's first line is 1), its fields, and what was wrong with it.
    package struct Record: Sendable, Equatable {
        package var line: Int
        /// The last line it takes (past `line` when a quoted field holds line breaks).
        package var lastLine: Int
        package var fields: [String]
        package var problem: Problem?
    }

    package enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// `column` counts from 1.
        case fieldTooLong(column: Int, limit: Int)
        case tooManyFields(limit: Int)
        case rowTooLong(limit: Int)
        case notUTF8(column: Int)
        case textAfterClosingQuote(column: Int)
        /// The quote opening `column` is never closed: the file ends inside it, on `lastLine`.
        case unterminatedQuote(column: Int, lastLine: Int)

        /// The column (from 1) the problem is in; nil for the row as a whole.
        package var column: Int? {
            switch self {
            case .fieldTooLong(let column, _), .notUTF8(let column), .textAfterClosingQuote(let column),
                .unterminatedQuote(let column, _):
                column
            case .tooManyFields, .rowTooLong: nil
            }
        }

        package var description: String {
            switch self {
            case .fieldTooLong(let column, let limit):
                "column \(column) is longer than \(limit) bytes"
            case .tooManyFields(let limit):
                "the row has more than \(limit) fields"
            case .rowTooLong(let limit):
                "the row is longer than \(limit) bytes"
            case .notUTF8(let column):
                "column \(column) is not UTF-8 text: save the file as CSV UTF-8 and import it again"
            case .textAfterClosingQuote(let column):
                "column \(column) has text after its closing quote (a quote inside a quoted field is written twice: \"\")"
            case .unterminatedQuote(let column, let lastLine):
                "the quote that opens column \(column) is never closed: the file ends inside it, on line \(lastLine), "
                    + "so nothing from this line on was imported"
            }
        }
    }

    /// The delimiter, once chosen or found.
    package private(set) var delimiter: UInt8?
    private let limits: Limits

    /// Bytes held until the header line is whole, to find the delimiter and skip a byte-order mark.
    private var head: [UInt8] = []
    private var started = false
    private var state = State.fieldStart
    private var line = 1
    private var previous: UInt8 = 0
    private var recordOpen = false
    private var record = Record(line: 1, lastLine: 1, fields: [], problem: nil)
    private var field: [UInt8] = []
    private var fieldOverflowed = false
    private var recordBytes = 0
    private var quotedColumn = 0

    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted, afterCR
    }

    private static let quote = UInt8(ascii: "\"")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    package static let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]

    /// A delimiter by name (`comma`, `semicolon`, `tab`) or as itself; nil for any other.
    package static func delimiter(named name: String) -> UInt8? {
        switch name.lowercased() {
        case "comma", ",": UInt8(ascii: ",")
        case "semicolon", ";": UInt8(ascii: ";")
        case "tab", "\t": UInt8(ascii: "\t")
        default: nil
        }
    }

    /// The name of a delimiter, as `delimiter(named:)` reads it.
    package static func name(of delimiter: UInt8) -> String {
        switch delimiter {
        case UInt8(ascii: ";"): "semicolon"
        case UInt8(ascii: "\t"): "tab"
        default: "comma"
        }
    }

    /// `delimiter` nil finds it from the header line: whichever of `,` `;` tab it holds most of (`,` when none).
    package init(delimiter: UInt8? = nil, limits: Limits = Limits()) {
        self.delimiter = delimiter
        self.limits = limits
    }

    /// The last line read so far (a line break ends a line; the next one starts only with a byte on it).
    package var lastLine: Int {
        self.previous == Self.lf || self.previous == Self.cr ? self.line - 1 : self.line
    }

    /// Reads `bytes`, appending each record they complete to `records`.
    package mutating func read(_ bytes: some Collection<UInt8>, into records: inout [Record]) {
        guard self.started else {
            // the start of the file is held until its first line is whole (or 64 KiB long)
            self.head.append(contentsOf: bytes)
            guard self.head.contains(Self.lf) || self.head.contains(Self.cr) || self.head.count >= 64 * 1024
            else { return }
            self.start(into: &records)
            return
        }
        for byte in bytes { self.consume(byte, into: &records) }
    }

    /// Ends the file: the last record, if its line had no line break, and an unclosed quote's problem.
    package mutating func finish(into records: inout [Record]) {
        if !self.started { self.start(into: &records) }
        switch self.state {
        case .quoted:
            let lastLine = self.lastLine
            self.record.problem = .unterminatedQuote(column: self.quotedColumn, lastLine: lastLine)
            self.endField()
            self.endRecord(into: &records)
            if let last = records.indices.last { records[last].lastLine = lastLine }
        case .unquoted, .quoteInQuoted:
            self.endField()
            self.endRecord(into: &records)
        case .fieldStart:
            if self.recordOpen {
                self.endField()
                self.endRecord(into: &records)
            }
        case .afterCR:
            break
        }
        self.state = .fieldStart
    }

    /// Skips a byte-order mark, finds the delimiter, and reads what was held.
    private mutating func start(into records: inout [Record]) {
        var head = self.head
        self.head = []
        self.started = true
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
        if self.delimiter == nil { self.delimiter = Self.delimiter(inFirstLineOf: head) }
        for byte in head { self.consume(byte, into: &records) }
    }

    /// The delimiter the first line (up to its first line break, within 64 KiB) holds most of outside quotes; `,`
    /// on a tie or when it holds none. The same bytes decide however the file arrives.
    static func delimiter(inFirstLineOf bytes: [UInt8]) -> UInt8 {
        var counts = [0, 0, 0]
        var quoted = false
        for byte in bytes.prefix(64 * 1024) {
            if byte == Self.lf || byte == Self.cr { break }
            if byte == Self.quote {
                quoted.toggle()
            } else if !quoted, let index = Self.delimiters.firstIndex(of: byte) {
                counts[index] += 1
            }
        }
        let most = counts.max() ?? 0
        return most == 0 ? Self.delimiters[0] : Self.delimiters[counts.firstIndex(of: most)!]
    }

    private mutating func consume(_ byte: UInt8, into records: inout [Record]) {
        let delimiter = self.delimiter ?? Self.delimiters[0]
        defer {
            // a line ends at LF, at CR, and once only at CR LF
            if byte == Self.cr || byte == Self.lf && self.previous != Self.cr { self.line += 1 }
            self.previous = byte
        }
        if !self.recordOpen {
            if self.state == .afterCR {
                self.state = .fieldStart
                if byte == Self.lf { return }
            }
            self.recordOpen = true
            self.record = Record(line: self.line, lastLine: self.line, fields: [], problem: nil)
            self.recordBytes = 0
        }
        switch self.state {
        case .fieldStart:
            if byte == Self.quote {
                self.state = .quoted
                self.quotedColumn = self.record.fields.count + 1
            } else if !self.separated(by: byte, delimiter: delimiter, into: &records) {
                self.append(byte)
                self.state = .unquoted
            }
        case .unquoted:
            if !self.separated(by: byte, delimiter: delimiter, into: &records) { self.append(byte) }
        case .quoted:
            if byte == Self.quote {
                self.state = .quoteInQuoted
            } else {
                self.append(byte)
            }
        case .quoteInQuoted:
            if byte == Self.quote {
                self.append(byte)
                self.state = .quoted
            } else if !self.separated(by: byte, delimiter: delimiter, into: &records) {
                if self.record.problem == nil {
                    self.record.problem = .textAfterClosingQuote(column: self.record.fields.count + 1)
                }
                self.append(byte)
                self.state = .unquoted
            }
        case .afterCR:
            // only reached with a record open, which `.afterCR` never leaves
            self.state = .fieldStart
            self.consume(byte, into: &records)
        }
    }

    /// Outside quotes, a delimiter ends the field and a line break the record; false when `byte` is neither.
    private mutating func separated(by byte: UInt8, delimiter: UInt8, into records: inout [Record]) -> Bool {
        switch byte {
        case delimiter:
            self.endField()
            self.state = .fieldStart
        case Self.cr:
            self.endField()
            self.endRecord(into: &records)
            self.state = .afterCR
        case Self.lf:
            self.endField()
            self.endRecord(into: &records)
            self.state = .fieldStart
        default:
            return false
        }
        return true
    }

    private mutating func append(_ byte: UInt8) {
        guard !self.fieldOverflowed else { return }
        guard self.recordBytes < self.limits.recordBytes else {
            self.fieldOverflowed = true
            if self.record.problem == nil { self.record.problem = .rowTooLong(limit: self.limits.recordBytes) }
            return
        }
        self.recordBytes += 1
        guard self.field.count < self.limits.fieldBytes else {
            self.fieldOverflowed = true
            if self.record.problem == nil {
                self.record.problem = .fieldTooLong(column: self.record.fields.count + 1, limit: self.limits.fieldBytes)
            }
            return
        }
        self.field.append(byte)
    }

    private mutating func endField() {
        defer {
            self.field.removeAll(keepingCapacity: self.field.count <= 4096)
            self.fieldOverflowed = false
        }
        guard self.record.fields.count < self.limits.fields else {
            if self.record.problem == nil { self.record.problem = .tooManyFields(limit: self.limits.fields) }
            return
        }
        if let text = String(validating: self.field, as: UTF8.self) {
            self.record.fields.append(text)
        } else {
            if self.record.problem == nil { self.record.problem = .notUTF8(column: self.record.fields.count + 1) }
            self.record.fields.append(String(decoding: self.field, as: UTF8.self))
        }
    }

    /// Hands the record over, unless it is blank (every field empty: a blank line, or `,,,` from a spreadsheet).
    private mutating func endRecord(into records: inout [Record]) {
        self.recordOpen = false
        self.record.lastLine = self.line
        guard self.record.problem != nil || self.record.fields.contains(where: { !$0.isEmpty }) else { return }
        records.append(self.record)
    }
}
