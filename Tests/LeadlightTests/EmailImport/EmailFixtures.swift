import Foundation

@testable import Leadlight

/// The email fixtures: portal lead notifications, web-form emails, a person's email and the mail that holds no
/// lead, each written by hand in the shape the sender's emails have (Tests/LeadlightTests/EmailImport/Fixtures).
enum EmailFixture: String, CaseIterable, Sendable {
    case zillow = "zillow.eml"
    case realtor = "realtor.eml"
    case homes = "homes.eml"
    case webform = "webform.eml"
    case person = "person.eml"
    case autoreply = "autoreply.eml"
    case newsletter = "newsletter.eml"
    case postmark = "postmark.json"
    case sendgrid = "sendgrid-parsed.multipart"

    static let sendGridBoundary = "xYzZY"

    var url: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(self.rawValue)
    }

    var bytes: [UInt8] {
        get throws { Array(try Data(contentsOf: self.url)) }
    }

    /// The message as a raw RFC 5322 email would be read.
    var message: EmailMessage {
        get throws { try EmailMessage(raw: try self.bytes[...]) }
    }

    /// The fixture as its email service posts it: the body and its content type.
    var posted: (body: [UInt8], contentType: String) {
        get throws {
            switch self {
            case .postmark: (try self.bytes, "application/json")
            case .sendgrid: (try self.bytes, "multipart/form-data; boundary=\(Self.sendGridBoundary)")
            default: (try self.bytes, "message/rfc822")
            }
        }
    }

    /// SendGrid's other shape, "POST the raw, full MIME message": the whole email in one `email` field.
    static func sendGridRaw(_ fixture: EmailFixture, boundary: String = "rawBoundary42") throws -> (
        body: [UInt8], contentType: String
    ) {
        var body = Array(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\nleads@parse.example.org\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n").utf8)
        body += try fixture.bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }
}
