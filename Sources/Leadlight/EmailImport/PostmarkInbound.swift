import Foundation

/// Postmark's inbound webhook body (postmarkapp.com/developer/webhooks/inbound-webhook). `MessageID` there is
/// Postmark's own id; the sender's `Message-ID` is among `Headers` when it had one.
enum PostmarkInbound {
    private struct Body: Decodable {
        struct Mailbox: Decodable {
            var Email: String?
            var Name: String?
        }
        struct Header: Decodable {
            var Name: String
            var Value: String
        }
        var From: String?
        var FromName: String?
        var FromFull: Mailbox?
        var ReplyTo: String?
        var Subject: String?
        var MessageID: String?
        var TextBody: String?
        var HtmlBody: String?
        var Headers: [Header]?
    }

    static func message(from body: [UInt8]) throws -> EmailMessage {
        let parsed = try JSONDecoder().decode(Body.self, from: Data(body))
        let headers = MIMEHeaders((parsed.Headers ?? []).map { ($0.Name, $0.Value) })
        let from: EmailAddress? =
            if let email = parsed.FromFull?.Email, EmailAddress.looksLikeAddress(email) {
                EmailAddress(name: parsed.FromFull?.Name ?? parsed.FromName, address: email)
            } else {
                parsed.From.flatMap(EmailAddress.init(header:))
            }
        guard let from else { throw MIMEMalformed("From holds no address") }
        let html = parsed.HtmlBody.flatMap { $0.isEmpty ? nil : $0 }
        let text = parsed.TextBody.flatMap { $0.isEmpty ? nil : $0 } ?? html.map(HTMLText.text) ?? ""
        return EmailMessage(
            headers: headers, from: from, replyTo: parsed.ReplyTo.flatMap(EmailAddress.init(header:)),
            subject: parsed.Subject ?? "",
            messageID: headers["Message-ID"] ?? parsed.MessageID.map { "\($0)@postmark" },
            text: text, html: html)
    }
}
