import Foundation
import NIOCore
import Testing

@testable import Leadlight

/// `JSONWriter` writes the list pages and bulk answers by hand; whatever the text, Foundation's `JSONDecoder` reads back
/// exactly what was written.
@Suite(.onAThreadOfItsOwn) struct JSONWriterTests {
    /// The object the test writes: one member named by generated text, then fixed ones.
    struct Page: Decodable {
        struct Inner: Decodable, Equatable {
            var inner: String
            var text: String?
        }
        var values: [String: String] = [:]
        var null: String?
        var number: Int
        var yes: Bool
        var list: [Inner]

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            self.null = try container.decodeIfPresent(String.self, forKey: Key(stringValue: "null"))
            self.number = try container.decode(Int.self, forKey: Key(stringValue: "number"))
            self.yes = try container.decode(Bool.self, forKey: Key(stringValue: "yes"))
            self.list = try container.decode([Inner].self, forKey: Key(stringValue: "list"))
            for key in container.allKeys where !["null", "number", "yes", "list"].contains(key.stringValue) {
                self.values[key.stringValue] = try container.decode(String.self, forKey: key)
            }
        }
    }

    @Test func everyTextReadsBackAsWritten() throws {
        var input = FuzzInput(stream: "json-writer")
        for _ in 0..<FuzzInput.iterations / 4 {
            var texts = (0..<4).map { _ in input.text(maxLength: 30) }
            // every control character and the two that must be escaped, now and then
            if input.chance(0.2) { texts[0] = String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }) + "\"\\" }
            var json = JSONWriter(capacity: 16)
            json.beginObject()
            json.write(texts[0], texts[1])
            json.writeOrNull("null", nil as String?)
            json.write("number", Int.min)
            json.write("yes", true)
            json.beginArray("list")
            json.beginObject()
            json.write("inner", texts[2])
            json.writeOrNull("text", texts[3])
            json.endObject()
            json.endArray()
            json.endObject()
            let page = try JSONDecoder().decode(Page.self, from: Data(buffer: json.buffer))
            #expect(page.values == [texts[0]: texts[1]] || texts[0] == "null" || texts[0] == "number")
            #expect(page.number == Int.min && page.yes && page.null == nil)
            #expect(page.list == [Page.Inner(inner: texts[2], text: texts[3])])
        }
    }

    /// Text is looked at eight bytes at a time: a byte to escape, or a multi-byte character, at every place of a
    /// longer text is still found.
    @Test func whatMustBeEscapedIsFoundAtEveryPlace() throws {
        for special in ["\"", "\\", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "👩‍💻", " "] {
            for place in 0...20 {
                let text = String(repeating: "a", count: place) + special + String(repeating: "b", count: 20 - place)
                var json = JSONWriter()
                json.beginObject()
                json.write(text, text)
                json.beginArray("nested")
                json.beginObject()
                json.endObject()
                json.beginObject()
                json.write("x", text)
                json.endObject()
                json.endArray()
                json.endObject()
                let read = try JSONSerialization.jsonObject(with: Data(buffer: json.buffer)) as? NSDictionary
                #expect(read == [text: text, "nested": [[:], ["x": text]]] as NSDictionary, "\(special) at \(place)")
            }
        }
    }
}
