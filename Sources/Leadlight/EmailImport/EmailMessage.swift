import Foundation

/// An email as Leadlight reads it for a lead: who sent it, its subject and Message-ID, and its text (the
/// `text/plain` part, or the HTML part read as text). Made from a raw RFC 5322 message, or from the fields an
/// email service parsed already (Postmark, SendGrid).
package struct EmailMessage: Sendable, Equatable {
    var headers = MIMEHeaders()
    var from: EmailAddress?
    var replyTo: EmailAddress?
    var subject = ""
    /// Without the angle brackets; nil when the message has none.
    var messageID: String?
    var text = ""
    var html: String?

    /// Nested multiparts deeper than this are not read (no email needs it; a crafted one could recurse).
    static let maxDepth = 8

    init(
        headers: MIMEHeaders = MIMEHeaders(), from: EmailAddress?, replyTo: EmailAddress? = nil, subject: String,
        messageID: String?, text: String, html: String? = nil
    ) {
        self.headers = headers
        (self.from, self.replyTo, self.subject) = (from, replyTo, subject)
        self.messageID = messageID.flatMap(Self.messageID)
        (self.text, self.html) = (text, html)
    }

    /// Reads a raw RFC 5322 message. A message with no header fields at all, or without a `From`, is not an email
    /// and throws `MIMEMalformed`; an odd part inside one is read as well as it can be, as mail readers do.
    init(raw: ArraySlice<UInt8>) throws {
        var raw = raw
        if raw.starts(with: Array("From ".utf8)), let line = raw.firstIndex(of: UInt8(ascii: "\n")) {
            raw = raw[(line + 1)...]  // an mbox "From " line before the headers
        }
        let (headers, bodyStart) = try MIMEHeaders.parse(raw, strict: false)
        guard !headers.fields.isEmpty else { throw MIMEMalformed("the message has no header fields") }
        guard let from = headers["From"].flatMap(EmailAddress.init(header:)) else {
            throw MIMEMalformed("the message has no From address")
        }
        var body = Body()
        body.read(headers: headers, content: raw[bodyStart...], depth: 0)
        self.init(
            headers: headers, from: from, replyTo: headers["Reply-To"].flatMap(EmailAddress.init(header:)),
            subject: headers.decoded("Subject") ?? "", messageID: headers["Message-ID"],
            text: body.text ?? body.html.map(HTMLText.text) ?? "", html: body.html)
    }

    /// The text parts found walking a MIME tree: the first `text/plain` and the first `text/html` that are not
    /// attachments.
    private struct Body {
        var text: String?
        var html: String?

        mutating func read(headers: MIMEHeaders, content: ArraySlice<UInt8>, depth: Int) {
            let type = MIMEHeaderValue(headers["Content-Type"] ?? "text/plain; charset=us-ascii")
            if let boundary = MIMEMultipart.boundary(of: headers["Content-Type"] ?? ""), depth < EmailMessage.maxDepth {
                guard let parts = try? MIMEMultipart.parts(of: content, boundary: boundary, strictHeaders: false)
                else {
                    // a multipart without its boundaries: its text is all there is
                    if self.text == nil { self.text = Charset.decode(content, charset: nil) }
                    return
                }
                for part in parts { self.read(headers: part.headers, content: part.content, depth: depth + 1) }
                return
            }
            let disposition = headers["Content-Disposition"].map(MIMEHeaderValue.init)
            guard disposition?.value != "attachment" else { return }
            guard type.value == "text/plain" || type.value == "text/html" || type.value.isEmpty else { return }
            let bytes = TransferEncoding.decode(content, encoding: headers["Content-Transfer-Encoding"])
            let text = Charset.decode(bytes, charset: type["charset"])
            if type.value == "text/html" {
                if self.html == nil { self.html = text }
            } else if self.text == nil {
                self.text = text
            }
        }
    }

    /// `<abc@host>` → `abc@host`; empty is none. Kept to 500 characters, the length of the column.
    private static func messageID(_ value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t\r\n"))
        return trimmed.isEmpty ? nil : String(trimmed.prefix(500))
    }
}
