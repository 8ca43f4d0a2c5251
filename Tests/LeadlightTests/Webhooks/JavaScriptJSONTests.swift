import Foundation
import Testing

@testable import Leadlight

/// `JavaScriptJSON` writes what V8's `JSON.stringify(JSON.parse(text))` writes (the node test checks the
/// whole path; these pin the rules down one by one).
@Suite struct JavaScriptJSONTests {
    // (numbers a literal cannot spell exactly are parsed, as a receiver's JSON.parse would)
    @Test(
        arguments: [
            (2.5, "2.5"), (450_000, "450000"), (0, "0"), (-0.0, "0"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
            (Double("123456789012345680000")!, "123456789012345680000"), (1.5e300, "1.5e+300"), (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"), (0.000001, "0.000001"), (0.1 + 0.2, "0.30000000000000004"), (-19.99, "-19.99"),
            (99_999_999_999.9999, "99999999999.9999"), (Double("9007199254740993")!, "9007199254740992"),
            (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"), (100, "100"),
            (0.5, "0.5"),
        ] as [(Double, String)])
    func numbersAreWrittenAsJavaScriptWritesThem(_ number: Double, _ expected: String) {
        #expect(JavaScriptJSON.number(number) == expected)
    }

    @Test func stringsEscapeOnlyWhatJSONStringifyEscapes() {
        #expect(JavaScriptJSON.quoted("a\"b\\c/d") == #""a\"b\\c/d""#)
        #expect(JavaScriptJSON.quoted("\u{08}\u{0C}\n\r\t") == #""\b\f\n\r\t""#)
        #expect(JavaScriptJSON.quoted("\u{01}\u{1F}\u{7F}") == "\"\\u0001\\u001f\u{7F}\"")
        #expect(JavaScriptJSON.quoted("\u{2028}\u{2029} é 😀 </script>") == "\"\u{2028}\u{2029} é 😀 </script>\"")
    }

    @Test func canonicalReadsAnyJSONAndWritesItTheJavaScriptWay() throws {
        #expect(
            try JavaScriptJSON.canonical(#"{"a" : "x\/y\u00e9\ud83d\ude00", "b": [1.0, 2.50, -0, 1E3, true, null]}"#)
                == #"{"a":"x/yé😀","b":[1,2.5,0,1000,true,null]}"#)
        #expect(
            try JavaScriptJSON.canonical(#"{"b":1,"2":2,"a":3,"1":4,"01":5}"#) == #"{"1":4,"2":2,"b":1,"a":3,"01":5}"#)
        #expect(try JavaScriptJSON.canonical(#"{"a":1,"b":2,"a":3}"#) == #"{"a":3,"b":2}"#)
        #expect(try JavaScriptJSON.canonical("1e400") == "null")
        for malformed in ["", "{", #"{"a"}"#, "[1,]", "01x", #""\x""#, "tru", "{} {}", "\"\u{01}\""] {
            #expect(throws: JSONValue.Malformed.self, "\(malformed)") { try JavaScriptJSON.canonical(malformed) }
        }
    }

    @Test func whatFoundationsEncoderWritesBecomesCanonical() throws {
        struct Sample: Encodable {
            var url = "https://example.com/a/b"
            var price: Decimal = Decimal(string: "1234567.89")!
            var bathrooms = 2.5
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(Sample()), as: UTF8.self)
        #expect(
            try JavaScriptJSON.canonical(text)
                == #"{"bathrooms":2.5,"price":1234567.89,"url":"https://example.com/a/b"}"#)
    }
}
