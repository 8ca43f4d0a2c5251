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
