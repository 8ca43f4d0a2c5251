import Foundation

/// An email as an email service or the CLI handed it over: the shape it came in, the message read out of it and
/// the bytes as received (kept with the lead, so the agent can read the original).
package struct InboundEmail: Sendable {
    package enum Format: String, Sendable, CaseIterable {
        /// Postmark's inbound webhook JSON (`application/json`).
        case postmark
        /// SendGrid's Inbound Parse webhook (`multipart/form-data`), parsed fields or "send raw".
        case sendgrid
        /// A raw RFC 5322 message (`message/rfc822`, or an `.eml` file given to the CLI).
        case rfc822
    }

    package var format: Format
    package var message: EmailMessage
    package var original: Data

    /// Reads a body by its `Content-Type`. Throws `InboundEmailRejected`: unsupported type (415), or a body that
    /// is not an email of that shape (400).
    package init(body: [UInt8], contentType: String?) throws {
        let type = MIMEHeaderValue(contentType ?? "")
        let format: Format
        switch type.value {
        case "application/json": format = .postmark
        case "multipart/form-data": format = .sendgrid
        case "message/rfc822": format = .rfc822
        default: throw InboundEmailRejected.unsupportedType(contentType ?? "none")
        }
        try self.init(body: body, format: format, contentType: contentType ?? "")
    }

    package init(body: [UInt8], format: Format, contentType: String = "") throws {
        self.format = format
        self.original = Data(body)
        do {
            switch format {
            case .postmark: self.message = try PostmarkInbound.message(from: body)
            case .sendgrid: self.message = try SendGridInboundParse.message(from: body, contentType: contentType)
            case .rfc822: self.message = try EmailMessage(raw: body[...])
            }
        } catch let error as MIMEMalformed {
            throw InboundEmailRejected.malformed("\(format.title): \(error.description)")
        } catch let error as DecodingError {
            throw InboundEmailRejected.malformed("\(format.title): \(Self.describe(error))")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted: "the body is not JSON"
        case .keyNotFound(let key, _): "\(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        @unknown default: "the body does not read"
        }
    }
}

extension InboundEmail.Format {
    package var title: String {
        switch self {
        case .postmark: "Postmark inbound JSON"
        case .sendgrid: "SendGrid Inbound Parse"
        case .rfc822: "RFC 5322 message"
        }
    }
}

/// Why an inbound email was refused before anything was stored.
package enum InboundEmailRejected: Error, Equatable {
    case unsupportedType(String)
    case malformed(String)
}

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
            subject: parsed.Subject ?? "", messageID: headers["Message-ID"] ?? parsed.MessageID.map { "\($0)@postmark" },
            text: text, html: html)
    }
}

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
