import Foundation

/// SplitMix64: a tiny, seedable generator, so a fuzz failure can be replayed from the seed it prints.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generated client input: numbers, text and JSON shaped like what people and fuzzers send, biased towards the
/// edges (huge, tiny, negative, exponents, odd white space, non-ASCII, wrong types) where parsers break.
struct FuzzInput {
    var random: SeededGenerator

    /// How many inputs each fuzz test tries (`LEADLIGHT_FUZZ_ITERATIONS`; `scripts/fuzz.sh` runs far more).
    static var iterations: Int {
        ProcessInfo.processInfo.environment["LEADLIGHT_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 4000
    }

    /// The seed of a run (`LEADLIGHT_FUZZ_SEED`), fixed by default so `swift test` is repeatable.
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["LEADLIGHT_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_261_202
    }

    init(seed: UInt64 = FuzzInput.seed, stream: String) {
        // one stream per test, so adding a test does not change what another one tries
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in stream.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        self.random = SeededGenerator(seed: seed ^ hash)
    }

    mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self.random) < probability
    }

    mutating func pick<T>(_ choices: [T]) -> T {
        choices.randomElement(using: &self.random)!
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self.random)
    }

    mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(String(self.int(0...9))) })
    }

    /// Text of a number as a person, a spreadsheet or a fuzzer writes it.
    mutating func numberText() -> String {
        switch self.int(0...9) {
        case 0: return self.pick(["0", "-0", "1", "-1", "0.0", ".5", "5.", "1e2", "1E-2", "-1e400", "1e400", "NaN"])
        case 1:
            return self.pick([
                "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999",
                "1000000000000", "1000000000000.0001", "999999999999.9999", "922337203685477.5807",
                "4.543521568131284e+16", "18446744073709551616", "2147483648", "-2147483649",
            ])
        case 2: return self.digits(self.int(1...40))
        case 3: return "\(self.digits(self.int(1...20))).\(self.digits(self.int(0...12)))"
        case 4: return "-\(self.digits(self.int(1...20)))"
        case 5: return "\(self.digits(self.int(1...3)))e\(self.chance(0.5) ? "-" : "+")\(self.int(0...400))"
        case 6: return " \(self.digits(self.int(1...6))).\(self.digits(self.int(1...5))) "
        case 7: return String(Double.random(in: -1e20...1e20, using: &self.random))
        case 8: return self.pick(["1,000", "1 000", "$5", "٣", "１２", "0x10", "1_000", "", " ", "-", ".", "1..2", "+1"])
        default: return String(self.int(-1_000_000...1_000_000))
        }
    }

    /// Short text: words, white space, control characters, non-ASCII, emoji, lone surrogate escapes (in JSON).
    mutating func text(maxLength: Int = 40) -> String {
        let pieces = [
            "a", "Z", "0", "7", " ", "\t", "\n", "é", "ß", "日本", "👩‍💻", "\u{200B}", "\u{2028}",
            "@", ".", "-", "+", "(", ")", "#", "/", "\\", "\"", "'", "<", ">", "&", ",", ";", "x", "%", "\u{FEFF}",
            "example.com", "name", "555", "1234", " ext ",
        ]
        // control characters (refused in all text) now and then, so most texts are still worth reading
        let controls = ["\u{0}", "\u{1}", "\u{1B}", "\u{7F}", "\u{85}", "\u{9F}"]
        return String(
            (0..<self.int(0...maxLength)).map { _ in self.chance(0.003) ? self.pick(controls) : self.pick(pieces) }
                .joined().prefix(maxLength * 2))
    }

    /// An email-shaped string, valid or nearly so.
    mutating func emailLike() -> String {
        let local = self.pick([
            "ada", "A.B", "x+y", "o'brien", "a_b", "", " ada ", "ä", "a..b", ".a", "a\"b",
            String(repeating: "a", count: self.int(60...70)),
        ])
        let domain = self.pick([
            "example.com", "ex.co.uk", "bücher.de", "日本.jp", "x-y.io", ".com", "example.", "ex..com", "localhost",
            "-x.com", "ex_ample.com", "[1.2.3.4]", "",
        ])
        guard self.chance(0.3) else { return "\(local)@\(domain)" }
        return self.pick([
            "\(local)@@\(domain)", "\(local)\(domain)", "\(local)@\(domain),x", "\(local)@\(domain)\u{0}",
        ])
    }

    /// A phone-shaped string, valid or nearly so.
    mutating func phoneLike() -> String {
        let separators = [" ", "-", ".", "(", ")", "+", "x", "#", "/", "", "٣", "a"]
        return (0..<self.int(1...8)).map { _ in self.digits(self.int(0...5)) + self.pick(separators) }.joined()
    }

    /// A JSON string literal holding `text`, escaped as a client might (sometimes with \u escapes).
    mutating func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || (self.chance(0.05) && scalar.value < 0x10000):
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        if self.chance(0.01) { out += "\\ud800" }  // a lone surrogate
        return out + "\""
    }

    /// Any JSON value, as text.
    mutating func jsonValue(depth: Int = 0) -> String {
        switch self.int(0...(depth > 2 ? 6 : 8)) {
        case 0: return "null"
        case 1: return self.chance(0.5) ? "true" : "false"
        case 2, 3: return self.validJSONNumber()
        case 4: return self.jsonString(self.numberText())
        case 5, 6: return self.jsonString(self.text())
        case 7:
            return "[" + (0..<self.int(0...3)).map { _ in self.jsonValue(depth: depth + 1) }.joined(separator: ",")
                + "]"
        default:
            return "{"
                + (0..<self.int(0...3)).map { _ in
                    "\(self.jsonString(self.text(maxLength: 5))):\(self.jsonValue(depth: depth + 1))"
                }
                .joined(separator: ",") + "}"
        }
    }

    /// A number that JSON's grammar allows (a parser must take it), from the ordinary to the absurd.
    mutating func validJSONNumber() -> String {
        let sign = self.chance(0.2) ? "-" : ""
        let whole = self.chance(0.1) ? "0" : String(self.int(1...9)) + self.digits(self.int(0...25))
        let fraction = self.chance(0.4) ? "." + self.digits(self.int(1...12)) : ""
        let exponent =
            self.chance(0.2) ? self.pick(["e", "E"]) + self.pick(["", "+", "-"]) + String(self.int(0...330)) : ""
        return sign + whole + fraction + exponent
    }

    /// What a field of a body usually holds, so generated values are often nearly right.
    enum FieldKind {
        case text(maxLength: Int)
        case email
        case phone
        case number
        case boolean
        case oneOf([String])
        case strings([String])
        case time
    }

    mutating func value(of kind: FieldKind) -> String {
        switch kind {
        case .text(let maxLength):
            if self.chance(0.1) { return self.jsonString(String(repeating: "x", count: maxLength + self.int(-1...1))) }
            return self.jsonString(self.text())
        case .email: return self.jsonString(self.emailLike())
        case .phone: return self.jsonString(self.phoneLike())
        case .number:
            switch self.int(0...9) {
            case 0...3: return String(self.int(0...2000))  // the plausible, so that whole bodies validate too
            case 4...7: return self.validJSONNumber()
            default: return self.jsonString(self.numberText())
            }
        case .boolean:
            return self.chance(0.8) ? self.pick(["true", "false"]) : self.jsonString(self.pick(["true", "1"]))
        case .oneOf(let choices):
            let choice = self.pick(choices)
            return self.jsonString(self.pick([choice, choice.lowercased(), choice.uppercased(), " \(choice) ", "x"]))
        case .strings(let choices):
            return "["
                + (0..<self.int(0...4)).map { _ in self.jsonString(self.pick(choices + ["", "*", "x.y"])) }
                .joined(separator: ",") + "]"
        case .time:
            return self.jsonString(
                self.pick(["2026-11-23T21:37:38Z", "2026-11-23T21:37:38.123Z", "2026-13-01T00:00:00Z", "99999-01-01"]))
        }
    }

    /// A JSON object using `fields` (the real ones, so validation runs deep), values of every kind, sometimes a
    /// value of the field's likely type, sometimes an unknown field.
    mutating func jsonObject(fields: [String: FieldKind], required: Set<String> = []) -> String {
        var members: [String] = []
        for (name, kind) in fields.sorted(by: { $0.key < $1.key }).shuffled(using: &self.random)
        where self.chance(required.contains(name) ? 0.95 : 0.6) {
            members.append("\(self.jsonString(name)):\(self.chance(0.8) ? self.value(of: kind) : self.jsonValue())")
        }
        if self.chance(0.1) { members.append("\(self.jsonString(self.text(maxLength: 8))):\(self.jsonValue())") }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// Bytes of `text` with a few random edits: truncation, a flipped byte, an inserted or a deleted one.
    mutating func mutated(_ text: String) -> [UInt8] {
        self.mutated(Array(text.utf8))
    }

    /// `bytes` with a few random edits, as `mutated(_:)` makes them of text.
    mutating func mutated(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<self.int(1...4) {
            guard !bytes.isEmpty else { break }
            let index = self.int(0...(bytes.count - 1))
            switch self.int(0...3) {
            case 0: bytes.removeSubrange(index...)
            case 1: bytes[index] ^= UInt8(1 << self.int(0...7))
            case 2: bytes.insert(self.pick(Array("{}[]\",:0-.e \\\u{0}".utf8) + [0xFF, 0xC3]), at: index)
            default: bytes.remove(at: index)
            }
        }
        return bytes
    }
}
