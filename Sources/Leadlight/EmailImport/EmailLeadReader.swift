import Foundation

/// A lead read out of an email: a portal's lead notification, a web form's email, or a person writing to the
/// agent. Every text is already cut to the lead's limits and free of control characters.
struct EmailLead: Sendable, Equatable {
    var name: String
    var email: String?
    var phone: String?
    var propertyAddress: String?
    var listingLink: String?
    var message: String?
    /// The portal (`zillow`, `realtor.com`, `homes.com`) or `email`.
    var source: String
}

/// What an email holds for the lead inbox.
enum EmailLeadReading: Sendable, Equatable {
    case lead(EmailLead)
    /// Not a lead, and why, in words the agent reads under Settings → Email import.
    case skipped(String)
}

/// Reads a lead out of an email. Portals are known by the sender's domain (or named in a forwarded subject)
/// and write their leads as labelled lines or table rows (`Name: …`, `Email Address: …`), which web forms do too;
/// a person writing in plain words is a lead from their own address. Automatic replies, delivery reports and
/// mailing-list messages are skipped, as is a notification with no way to reach the person.
enum EmailLeadReader {
    struct Portal: Sendable {
        var source: String
        var domains: [String]
        var names: [String]
    }

    static let portals = [
        Portal(source: "zillow", domains: ["zillow.com", "trulia.com", "hotpads.com"], names: ["zillow", "trulia"]),
        Portal(source: "realtor.com", domains: ["realtor.com", "move.com"], names: ["realtor.com"]),
        Portal(source: "homes.com", domains: ["homes.com"], names: ["homes.com"]),
    ]
    static let emailSource = "email"

    private enum Field: CaseIterable {
        case name, firstName, lastName, email, phone, property, link, message
    }

    private static let labels: [String: Field] = {
        var labels: [String: Field] = [:]
        let spellings: [(Field, [String])] = [
            (
                .name,
                ["name", "full name", "contact name", "buyer name", "your name", "lead name", "contact", "renter name"]
            ),
            (.firstName, ["first name", "firstname", "given name"]),
            (.lastName, ["last name", "lastname", "surname", "family name"]),
            (
                .email,
                ["email", "e-mail", "email address", "e-mail address", "buyer email", "contact email", "your email"]
            ),
            (
                .phone,
                [
                    "phone", "phone number", "telephone", "tel", "mobile", "cell", "cell phone", "buyer phone",
                    "contact phone", "your phone",
                ]
            ),
            (
                .property,
                [
                    "property", "property address", "address", "listing address", "home", "regarding", "interested in",
                    "property of interest", "listing",
                ]
            ),
            (.link, ["listing url", "listing link", "property link", "property url", "link", "url", "view listing"]),
            (
                .message,
                [
                    "message", "comments", "comment", "question", "questions", "notes", "note", "inquiry",
                    "additional comments",
                ]
            ),
        ]
        for (field, names) in spellings { for name in names { labels[name] = field } }
        return labels
    }()

    static func read(_ message: EmailMessage) -> EmailLeadReading {
        if let reason = Self.notForAPerson(message) { return .skipped(reason) }
        let portal = Self.portal(of: message)
        let fields = Self.labelledFields(message.text)
        let listedByAList =
            message.headers["List-Unsubscribe"] != nil || message.headers["List-Id"] != nil
            || ["bulk", "list", "junk"].contains(message.headers["Precedence"]?.lowercased() ?? "")
        let hasContactLabels = fields[.email] != nil || fields[.phone] != nil
        if listedByAList && !hasContactLabels { return .skipped("a newsletter or mailing-list message") }

        // a portal's own address is never the person's; a reply-to that is not the portal's often is
        let sender = portal == nil ? message.from : nil
        let replyTo = message.replyTo.flatMap { address in
            Self.portal(ofDomain: address.domain) == nil ? address : nil
        }
        let email = fields[.email].flatMap(Self.firstAddress) ?? replyTo?.address ?? sender?.address
        let phone = fields[.phone].map { Self.clean($0, max: 40, oneLine: true) }
        guard email != nil || phone != nil else {
            return .skipped("no email address or phone number of a person in the message")
        }
        let typedName =
            fields[.name]
            ?? [fields[.firstName], fields[.lastName]].compactMap { $0 }.joined(separator: " ").nilIfEmpty
        let name =
            typedName ?? replyTo?.name ?? sender?.name ?? email.map { String($0.prefix(while: { $0 != "@" })) }
            ?? phone ?? "Email lead"
        let text =
            fields[.message]
            ?? (fields.isEmpty && portal == nil ? Self.plainWords(message) : nil)
        return .lead(
            EmailLead(
                name: Self.clean(name, max: LeadChanges.maxNameLength, oneLine: true), email: email, phone: phone,
                propertyAddress: fields[.property].map {
                    Self.clean($0, max: LeadChanges.maxAddressLength, oneLine: true)
                },
                listingLink: fields[.link].flatMap(Self.firstLink) ?? portal.flatMap { Self.portalLink(message, $0) },
                message: text.map { Self.clean($0, max: 3_000) },
                source: portal?.source ?? Self.emailSource))
    }

    /// Mail a machine wrote about mail: automatic replies (RFC 3834) and delivery reports.
    private static func notForAPerson(_ message: EmailMessage) -> String? {
        if let auto = message.headers["Auto-Submitted"], auto.lowercased() != "no" {
            return "an automatic message (Auto-Submitted: \(auto))"
        }
        let local = message.from?.address.prefix(while: { $0 != "@" }).lowercased() ?? ""
        let type = MIMEHeaderValue(message.headers["Content-Type"] ?? "").value
        if local == "mailer-daemon" || local == "postmaster" || type == "multipart/report" {
            return "a delivery report"
        }
        if message.text.allSatisfy(\.isWhitespace) && message.subject.allSatisfy(\.isWhitespace) {
            return "an empty message"
        }
        return nil
    }

    private static func portal(of message: EmailMessage) -> Portal? {
        if let portal = message.from.flatMap({ Self.portal(ofDomain: $0.domain) }) { return portal }
        // an agent forwarding a portal's lead: "Fwd: New Zillow lead"
        let subject = message.subject.lowercased()
        return Self.portals.first { portal in portal.names.contains { subject.contains($0) } }
    }

    private static func portal(ofDomain domain: String) -> Portal? {
        Self.portals.first { portal in portal.domains.contains { domain == $0 || domain.hasSuffix(".\($0)") } }
    }

    /// `Label: value` lines and `Label⇥value` table rows; a label alone on its line takes the next line. The
    /// first value of each field is kept.
    private static func labelledFields(_ text: String) -> [Field: String] {
        var fields: [Field: String] = [:]
        var waiting: Field?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            let separator = line.firstIndex(where: { $0 == ":" || $0 == "\t" })
            let label = separator.map { Self.normalizedLabel(line[..<$0]) } ?? Self.normalizedLabel(line[...])
            if let field = Self.labels[label] {
                let value = separator.map { line[line.index(after: $0)...].trimmingCharacters(in: .whitespaces) } ?? ""
                if value.isEmpty {
                    waiting = field
                } else {
                    if fields[field] == nil { fields[field] = value }
                    waiting = nil
                }
                continue
            }
            if let field = waiting {
                if fields[field] == nil { fields[field] = line }
                waiting = nil
            }
        }
        return fields
    }

    private static func normalizedLabel(_ text: Substring) -> String {
        text.lowercased().filter { $0.isLetter || $0 == " " || $0 == "-" || $0 == "." }
            .split(separator: " ").joined(separator: " ")
    }

    private static func firstAddress(_ text: String) -> String? {
        text.split(whereSeparator: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "()\"'.").union(.whitespaces)) }
            .first { EmailAddress.looksLikeAddress($0) }
            .map { $0.replacingOccurrences(of: "mailto:", with: "").lowercased() }
    }

    static func links(in text: String) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "'" })
            .filter { $0.hasPrefix("https://") || $0.hasPrefix("http://") }
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".,;)]")) }
            .filter { $0.count <= 500 }
    }

    private static func firstLink(_ text: String) -> String? { Self.links(in: text).first }

    /// A link to a listing on the portal's own site, in the text or the HTML (portals link the listing's page).
    private static func portalLink(_ message: EmailMessage, _ portal: Portal) -> String? {
        let candidates = Self.links(in: message.text) + Self.links(in: message.html.map(HTMLText.entities) ?? "")
        return candidates.first { link in
            guard let url = URL(string: link), let host = url.host?.lowercased(), url.path.count > 1 else {
                return false
            }
            return portal.domains.contains { host == $0 || host.hasSuffix(".\($0)") }
        }
    }

    /// A person's own email: the subject and their words, quoted replies left out.
    private static func plainWords(_ message: EmailMessage) -> String? {
        let words = message.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .prefix { !$0.hasPrefix(">") && !($0.hasPrefix("On ") && $0.hasSuffix("wrote:")) }
            .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let subject = message.subject.trimmingCharacters(in: .whitespaces)
        let parts = [subject, words].filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }

    /// `text` without control characters, trimmed and cut to `max` characters. A one-line text (a name, an
    /// address) has its line breaks and tabs made spaces too, and runs of spaces made one.
    static func clean(_ text: String, max: Int, oneLine: Bool = false) -> String {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let layout = value == 0x09 || value == 0x0A || value == 0x0D
            let control =
                (value < 0x20 && !layout) || (0x7F...0x9F).contains(value)
                || (oneLine
                    && (layout || scalar.properties.generalCategory == .lineSeparator
                        || scalar.properties.generalCategory == .paragraphSeparator))
            let next: Unicode.Scalar = control ? " " : scalar
            if oneLine, next == " ", cleaned.last == " " { continue }
            cleaned.append(next)
        }
        let trimmed = String(cleaned).trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count <= max ? trimmed : String(trimmed.prefix(max - 1)) + "…"
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { self.isEmpty ? nil : self }
}
