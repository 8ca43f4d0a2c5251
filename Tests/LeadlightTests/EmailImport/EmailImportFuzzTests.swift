import Foundation
import Testing

@testable import Leadlight

/// The readers of inbound email, fed edited fixtures: raw messages, Postmark's JSON, SendGrid's multipart and
/// the lead reader over whatever they let through. Each email is read or refused with our own error, and
/// whatever the reader makes of it is within the lead's limits; nothing traps.
@Suite(.onAThreadOfItsOwn) struct EmailImportFuzzTests {
    private static func readOrRefuse(_ body: [UInt8], contentType: String) -> Bool {
        do {
            let email = try InboundEmail(body: body, contentType: contentType)
            if case .lead(let lead) = EmailLeadReader.read(email.message) {
                #expect(lead.name.count <= LeadChanges.maxNameLength)
                for line in [lead.name, lead.phone ?? "", lead.propertyAddress ?? ""] {
                    #expect(
                        !line.unicodeScalars.contains { $0.properties.generalCategory == .control },
                        "\(line.debugDescription)")
                }
                _ = try? EmailImportOperations.changes(for: lead, subject: email.message.subject, format: email.format)
            }
            return true
        } catch is InboundEmailRejected {
            return false
        } catch {
            Issue.record("\(contentType): \(error) for \(String(decoding: body.prefix(200), as: UTF8.self))")
            return false
        }
    }

    @Test(arguments: EmailFixture.allCases)
    func editedEmailsAreReadOrRefusedNeverTrapping(_ fixture: EmailFixture) throws {
        var input = FuzzInput(stream: "email-\(fixture.rawValue)")
        let (original, contentType) = try fixture.posted
        var (read, refused) = (0, 0)
        for _ in 0..<(FuzzInput.iterations / 4) {
            var bytes = original
            // edits anywhere, and edits where the structure is: the headers and the first part
            let head = min(bytes.count, input.int(1...600))
            bytes.replaceSubrange(0..<head, with: input.mutated(Array(bytes[0..<head])))
            bytes = input.chance(0.5) ? input.mutated(bytes) : bytes
            if Self.readOrRefuse(bytes, contentType: contentType) { read += 1 } else { refused += 1 }
        }
        #expect(read > 0, "read \(read), refused \(refused)")
    }

    @Test func generatedMessagesAreReadOrRefusedNeverTrapping() {
        var input = FuzzInput(stream: "email-generated")
        let encodings = ["7bit", "base64", "quoted-printable", "8bit", "x-unknown", ""]
        let charsets = ["utf-8", "iso-8859-1", "windows-1252", "us-ascii", "x-klingon", "\"utf-8\"", ""]
        let types = [
            "text/plain", "text/html", "multipart/alternative", "multipart/mixed", "message/rfc822", "image/png",
        ]
        for _ in 0..<FuzzInput.iterations {
            var lines = ["From: \(input.text(maxLength: 30)) <\(input.text(maxLength: 10))@example.com>"]
            if input.chance(0.5) {
                lines.append(
                    "Subject: =?\(input.pick(charsets))?\(input.pick(["Q", "B", "x"]))?\(input.text(maxLength: 20))?=")
            }
            if input.chance(0.3) { lines.append("Message-ID: <\(input.text(maxLength: 20))>") }
            let boundary = input.text(maxLength: 12)
            lines.append(
                "Content-Type: \(input.pick(types)); charset=\(input.pick(charsets)); boundary=\"\(boundary)\"")
            lines.append("Content-Transfer-Encoding: \(input.pick(encodings))")
            lines.append("")
            for _ in 0..<input.int(0...4) {
                lines.append("--\(input.chance(0.8) ? boundary : input.text(maxLength: 12))")
                lines.append("Content-Type: \(input.pick(types)); charset=\(input.pick(charsets))")
                lines.append("Content-Transfer-Encoding: \(input.pick(encodings))")
                lines.append("")
                lines.append(
                    input.pick(["Name: ", "Email: ", "Phone: ", "<td>", "=C3=", "Q29tbWVudHM6", ""]) + input.text())
            }
            if input.chance(0.7) { lines.append("--\(boundary)--") }
            let raw = lines.joined(separator: input.pick(["\r\n", "\n", "\r"]))
            _ = Self.readOrRefuse(input.mutated(raw), contentType: "message/rfc822")
            let json = input.jsonObject(
                fields: [
                    "From": .email, "FromName": .text(maxLength: 40), "Subject": .text(maxLength: 80),
                    "TextBody": .strings(["Name: Ann\nEmail: ann@example.com", "Phone: 555 010 1234"]),
                    "HtmlBody": .strings(["<p>Name: Ann<br>Email: ann@example.com</p>", "<td>Phone</td>"]),
                    "ReplyTo": .email, "MessageID": .text(maxLength: 40),
                ])
            _ = Self.readOrRefuse(Array(json.utf8), contentType: "application/json")
        }
    }
}
