import Foundation

/// A plain-text email the server sends a visitor (a sign-up's confirmation link).
package struct MailMessage: Sendable, Equatable {
    package var to: String
    package var subject: String
    package var text: String
}

/// Where the server's emails go: an email service's API in production, a folder of `.eml` files otherwise.
package protocol Mailer: Sendable {
    func send(_ message: MailMessage, from: String) async throws
}

/// How the server sends email (`LEADLIGHT_MAIL_*`, docs/PUBLIC-SITE.md).
package struct MailConfiguration: Sendable, Equatable {
    /// The sender of every message.
    package var from = "Leadlight <leadlight@localhost>"
    /// Postmark's server token: when set, messages go out through Postmark's email API.
    package var postmarkToken: String?
    package var postmarkBaseURL = "https://api.postmarkapp.com"
    /// Without a Postmark token, each message is written here as an RFC 5322 `.eml` file, for a person or a test
    /// to read (a development server, or a site that has not set up email yet).
    package var folder = "leadlight-mail"

    package init() {}

    func mailer() -> any Mailer {
        if let token = self.postmarkToken, !token.isEmpty {
            return PostmarkMailer(token: token, baseURL: self.postmarkBaseURL)
        }
        return MailFolder(path: self.folder)
    }
}

/// Writes each message as an `.eml` file into a folder (made when the first message is written).
package struct MailFolder: Mailer {
    package let path: String

    package init(path: String) {
        self.path = path
    }

    package func send(_ message: MailMessage, from: String) async throws {
        let folder = URL(fileURLWithPath: self.path, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let now = Date()
        let id = "\(now.millisecondsSince1970)-\(Base62.random(count: 12))"
        let date = Self.rfc5322Date.string(from: now)
        let text =
            [
                "From: \(Self.header(from))", "To: \(Self.header(message.to))",
                "Subject: \(Self.header(message.subject))", "Date: \(date)", "Message-ID: <\(id)@leadlight>",
                "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "",
                message.text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n"),
            ].joined(separator: "\r\n") + "\r\n"
        try Data(text.utf8).write(to: folder.appendingPathComponent("\(id).eml"), options: .atomic)
    }

    /// A header value on one line: a visitor's text cannot add headers.
    private static func header(_ value: String) -> String {
        String(value.map { $0.isNewline ? " " : $0 })
    }

    private static let rfc5322Date: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter
    }()
}
