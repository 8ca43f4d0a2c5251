import Foundation

/// SendGrid's Inbound Parse webhook body (docs.sendgrid.com, "Setting up the Inbound Parse Webhook"): form
/// fields `headers`, `from`, `subject`, `text`, `html` and `charsets` (each field's character set, as JSON); or,
/// with "POST the raw, full MIME message", the whole message in `email`.
enum SendGridInboundParse {
    static func message(from body: [UInt8], contentType: String) throws -> EmailMessage {
        guard let boundary = MIMEMultipart.boundary(of: contentType, subtype: "form-data") else {
            throw MIMEMalformed("the multipart body has no boundary")
        }
        var fields: [String: ArraySlice<UInt8>] = [:]
        for part in try MIMEMultipart.parts(of: body[...], boundary: boundary, strictHeaders: true) {
            guard let disposition = part.headers["Content-Disposition"].map(MIMEHeaderValue.init),
                let name = disposition["name"], disposition["filename"] == nil
            else { continue }  // attachments are not read
            if fields[name] == nil { fields[name] = part.content }
        }
        if let raw = fields["email"] { return try EmailMessage(raw: raw) }
        let charsets =
            fields["charsets"].flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0)) } ?? [:]
        func field(_ name: String) -> String? {
            fields[name].map { Charset.decode($0, charset: charsets[name]) }
        }
        let headers = try fields["headers"].map { try MIMEHeaders.parse($0, strict: false).0 } ?? MIMEHeaders()
        guard let from = (field("from") ?? headers["From"]).flatMap(EmailAddress.init(header:)) else {
            throw MIMEMalformed("from holds no address")
        }
        let html = field("html").flatMap { $0.isEmpty ? nil : $0 }
        return EmailMessage(
            headers: headers, from: from, replyTo: headers["Reply-To"].flatMap(EmailAddress.init(header:)),
            subject: field("subject").map(EncodedWords.decode) ?? headers.decoded("Subject") ?? "",
            messageID: headers["Message-ID"],
            text: field("text").flatMap { $0.isEmpty ? nil : $0 } ?? html.map(HTMLText.text) ?? "", html: html)
    }
}
