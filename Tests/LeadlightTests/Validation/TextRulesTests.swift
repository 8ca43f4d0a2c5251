import Foundation
import Testing

@testable import Leadlight

/// The rules every text field follows, by example: what a person types is kept, what no person types is refused
/// (issue 16: a NUL in a name was stored and read back as an empty name; an email with control characters and
/// a domain of punctuation was stored).
@Suite struct TextRulesTests {
    @Test(arguments: [
        "ada@example.com", "A.B@Ex.Co.UK", "x+y@example.com", "o'brien@example.ie", "a_b@x-y.io",
        "josé@bücher.de", "ünïcode@日本.jp", "1@2.3", " ada@example.com ",
    ])
    func anEmailAPersonTypesIsKeptLowerCased(_ text: String) throws {
        let email = try TextRules.email(text)
        #expect(email == email.lowercased() && !email.hasPrefix(" ") && !email.hasSuffix(" "))
    }

    @Test(arguments: [
        "", "ada", "ada@", "@example.com", "ada@example", "ada@@example.com", "a..b@example.com", ".a@example.com",
        "a.@example.com", "ada@-x.com", "ada@x-.com", "ada@ex_ample.com", "ada@ex..com", "ada@example.com.",
        "ada@[1.2.3.4]", "\"a b\"@example.com", "a b@example.com", "ada@example.com,bo@example.com",
        "<ada@example.com>", "t@\u{13}di{]\u{E}0i.e\u{F}.+", "ada\u{0}@example.com", "🙂@example.com",
        String(repeating: "a", count: 65) + "@example.com",
        "ada@" + String(repeating: "a", count: 64) + ".com",
    ])
    func anythingElseIsNotAnEmail(_ text: String) {
        #expect(throws: ValidationFailure.self) { try TextRules.email(text) }
    }

    @Test func textKeepsTabsAndLineBreaksButNoOtherControlCharacter() throws {
        #expect(try TextRules.optional("line one\r\nline two\tend", field: "notes", maxLength: 100).contains("\t"))
        for control in ["\u{0}", "\u{1}", "\u{1B}", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}"] {
            #expect(throws: ValidationFailure.self) {
                try TextRules.required("Ad\(control)a", field: "name", maxLength: 100)
            }
            #expect(throws: ValidationFailure.self) {
                try TextRules.optional("a\(control)b", field: "notes", maxLength: 100)
            }
        }
        // the neighbours of the refused ranges are ordinary text
        #expect(try TextRules.required("Ada \u{A0}\u{A1}~", field: "name", maxLength: 100) == "Ada \u{A0}\u{A1}~")
    }
}

/// The shortcuts of trimming and length checks, against what they stand in for, for fuzzed text (every kind of
/// white space at either end). On a thread of its own: it computes for seconds without awaiting.
@Suite(.onAThreadOfItsOwn) struct TextRulesFuzzTests {
    @Test func trimmingAndLengthAreFoundationsAndTheCharacterCount() {
        var input = FuzzInput(stream: "text-rules")
        let spaces = [
            "", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{1C}", "\u{85}", "\u{A0}", "\u{2028}", "\u{3000}",
        ]
        for _ in 0..<FuzzInput.iterations {
            let text = input.pick(spaces) + input.text(maxLength: 20) + input.pick(spaces)
            #expect(
                TextRules.trimmed(text) == text.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(text.debugDescription)")
            let limit = input.int(0...24)
            #expect(TextRules.fits(text, limit) == (text.count <= limit), "\(text.debugDescription) \(limit)")
        }
    }
}
