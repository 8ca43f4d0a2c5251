import Foundation
import NIOCore
import Testing

@testable import Leadlight

/// The public site's readers of visitor input, fed generated input: the form token, form bodies (urlencoded
/// and multipart) and uploaded files. Each input is judged or refused with our own error, never traps; and an
/// edited token is never taken for a person's.
@Suite(.onAThreadOfItsOwn) struct PublicSiteFuzzTests {
    static let key = "fuzz-key-\(FuzzInput.seed)"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func anEditedFormTokenIsNeverTakenForAPersons() {
        var input = FuzzInput(stream: "form-token")
        let issued = FormToken.issue(form: "contact", agentID: "demo", at: Self.now)
        let token = issued.encoded(key: Self.key)
        var (edited, person) = (0, 0)
        for _ in 0..<FuzzInput.iterations {
            let bytes = input.mutated(token)
            let text = String(decoding: bytes, as: UTF8.self)
            let verdict = FormToken.verdict(
                of: text, cookie: issued.nonce, form: "contact", agentID: "demo", key: Self.key,
                now: Self.now.addingTimeInterval(10), minimumFillTime: 2)
            if text == token {
                #expect(verdict == .person)
                person += 1
            } else {
                edited += 1
                #expect(verdict != .person, "\(text)")
            }
        }
        #expect(edited * 2 >= FuzzInput.iterations)
        _ = person
    }

    @Test func formBodiesAreReadOrRefusedNeverTrapping() {
        var input = FuzzInput(stream: "form-bodies")
        let boundary = "----fuzz"
        let multipart =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAda\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"guide\"; filename=\"g.pdf\"\r\n"
            + "Content-Type: application/pdf\r\n\r\n%PDF-1.4 body\r\n--\(boundary)--\r\n"
        var (read, refused) = (0, 0)
        for _ in 0..<FuzzInput.iterations {
            let urlencoded = input.mutated("name=Ada+L%C3%B6vel&email=ada%40example.com&consent=1&website=")
            _ = DashboardForm(ByteBuffer(bytes: urlencoded))["name"]
            let bytes = input.mutated(multipart)
            do {
                let form = try DashboardForm(
                    ByteBuffer(bytes: bytes), contentType: "multipart/form-data; boundary=\(boundary)")
                _ = (form["name"], form.files["guide"]?.content.count)
                read += 1
            } catch is DashboardForm.MalformedMultipart {
                refused += 1
            } catch {
                Issue.record("multipart: \(error) for \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(read > 0 && refused > 0, "read \(read), refused \(refused)")
    }

    /// The urlencoded reader decodes in one pass over the bytes; on every UTF-8 body it must read exactly what
    /// Foundation's `+` replacement and `removingPercentEncoding` read (the reader it replaced, kept here).
    @Test func urlencodedBodiesReadAsFoundationReadsThem() {
        var input = FuzzInput(stream: "urlencoded")
        let seeds = [
            "name=Ada+L%C3%B6vel&email=ada%40example.com&consent=1&website=", "a=%&b=%4&c=%zz&d=%E2%82&e=%E2%82%AC",
            "=x&&a==b&c&%2B=+%2b+&%C3%28=bad", "tags=a&tags=b&tags=&note=line%0D%0Anext",
        ]
        var compared = 0
        for _ in 0..<FuzzInput.iterations {
            let bytes = input.mutated(input.pick(seeds) + input.text(maxLength: 12))
            let form = DashboardForm(ByteBuffer(bytes: bytes))
            // Foundation drops a leading U+FEFF (a byte-order mark) from what it decodes; the reader keeps the
            // text as sent, so inputs with one, raw or percent-encoded, are left out of the comparison.
            guard let text = String(validating: bytes, as: UTF8.self), !text.contains("\u{FEFF}"),
                text.range(of: "%EF%BB%BF", options: .caseInsensitive) == nil
            else { continue }
            func foundation(_ part: Substring) -> String? {
                part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            var expected: [String: [String]] = [:]
            for pair in text.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = foundation(parts[0]) else { continue }
                expected[name, default: []].append(parts.count > 1 ? foundation(parts[1]) ?? "" : "")
            }
            for (name, values) in expected {
                #expect(form.all(name) == values, "\(name) in \(text)")
            }
            compared += 1
        }
        #expect(compared * 2 >= FuzzInput.iterations)
    }

    @Test func uploadedFilesAreCheckedByTheirBytesNeverTrapping() {
        var input = FuzzInput(stream: "public-files")
        let seeds = ["%PDF-1.7\n", "\u{FF}\u{D8}\u{FF}\u{E0}", "RIFF1234WEBPVP8 ", "GIF89a", ""]
        for _ in 0..<FuzzInput.iterations {
            let bytes = Data(input.mutated(input.pick(seeds) + input.text(maxLength: 20)))
            for kind in PublicFile.Kind.allCases {
                do {
                    let file = try PublicFile.checked(
                        kind, fileName: input.text(maxLength: 30), content: bytes, at: Self.now)
                    #expect(!file.fileName.isEmpty)
                    #expect(!file.fileName.contains("/") && !file.fileName.contains("\""))
                } catch is ValidationFailure {
                    continue
                } catch {
                    Issue.record("\(kind): \(error)")
                }
            }
        }
    }
}
