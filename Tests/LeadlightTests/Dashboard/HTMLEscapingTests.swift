import Foundation
import Mustache
import Testing

@testable import Leadlight

/// `HTMLEscaping`, which escapes every `{{value}}` of every template: the same text as swift-mustache's own HTML
/// escaping for any text, every page's template is given it, and a value is escaped wherever it lands in a page.
/// On a thread of its own: the fuzz test computes for seconds without awaiting.
@Suite(.onAThreadOfItsOwn) struct HTMLEscapingTests {
    /// swift-mustache's own escaping, through a template that does not name a content type.
    static func mustacheEscaped(_ text: String) throws -> String {
        try MustacheTemplate(string: "{{value}}").render(["value": text])
    }

    @Test func anyTextIsEscapedAsSwiftMustacheEscapesIt() throws {
        var input = FuzzInput(stream: "html-escaping")
        var texts = ["", "plain", "<script>alert('x')</script>", "a & b \"c\" 'd' <e> >f<", "&amp;", "日本 👩‍💻 é"]
        for _ in 0..<FuzzInput.iterations { texts.append(input.text(maxLength: 40)) }
        for text in texts {
            #expect(HTMLEscaping().escapeText(text) == (try Self.mustacheEscaped(text)), "\(text.debugDescription)")
        }
    }

    /// A combining mark after `<` makes one `Character` of the two, which swift-mustache leaves as it is; here the
    /// `<` is escaped all the same (the safer of the two, and the same text in a browser).
    @Test func aMarkUponAnAngleBracketDoesNotHideIt() {
        #expect(HTMLEscaping().escapeText("<\u{338}script>") == "&lt;\u{338}script&gt;")
    }

    /// The combining mark tells the two escapings apart: a page escaped by swift-mustache's own would keep `<`.
    @Test func everyTemplateEscapesWithIt() throws {
        let pages = try DashboardPages.load()
        let hostile = "<\u{338}b>\"'&"
        for template in ["field", "options", "error"] {
            let html = pages.html(
                template,
                [
                    "name": hostile, "label": hostile, "value": hostile, "message": hostile, "text": hostile,
                    "title": hostile,
                    "options": [["value": hostile, "text": hostile]],
                ] as [String: any Sendable])
            #expect(!html.contains(hostile), "\(template)")
            #expect(html.contains("&lt;\u{338}b&gt;&quot;&#39;&amp;"), "\(template)")
        }
    }
}
