import Crypto
import Foundation
import Hummingbird
import SQLKit

/// Email import: the workspace's inbound address, and each email received made into a lead (`lead.created`,
/// through `LeadOperations`) or recorded as skipped, with the message as received. An email received twice
/// (the same Message-ID, or the same bytes when it has none) is recorded and made into a lead once.
package struct EmailImportOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock
    let secrets: ServerSecrets

    init(database: LeadlightDatabase, clock: WallClock, secrets: ServerSecrets) {
        (self.database, self.clock, self.secrets) = (database, clock, secrets)
    }

    package init(database: LeadlightDatabase, clock: WallClock) {
        self.init(database: database, clock: clock, secrets: ServerSecrets(database: database.sql))
    }

    /// What became of one email.
    package enum Outcome: Sendable {
        case created(Lead, InboundEmailRecord)
        /// Received before: nothing new stored; the first time's record.
        case duplicate(InboundEmailRecord)
        case skipped(InboundEmailRecord)

        var record: InboundEmailRecord {
            switch self {
            case .created(_, let record), .duplicate(let record), .skipped(let record): record
            }
        }
    }

    /// The largest email taken, attachments included (Postmark's own limit is 35 MB; a lead's email is a few KB).
    package static let maxEmailBytes = 10 * 1024 * 1024

    /// What became of an email, as `POST /inbound/email/{token}` and `leadlight leads import-email --json` answer.
    package struct Answer: Codable, Sendable, Equatable, ResponseEncodable {
        /// `created`, `duplicate` or `skipped`.
        package var outcome: String
        package var emailId: String
        package var leadId: String?
        package var source: String?
        package var reason: String?

        package init(_ outcome: Outcome) {
            switch outcome {
            case .created(let lead, let record):
                (self.outcome, self.emailId, self.leadId, self.source) = (
                    "created", record.id.rawValue, lead.id.rawValue, lead.source
                )
            case .duplicate(let record):
                (self.outcome, self.emailId, self.leadId, self.reason) = (
                    "duplicate", record.id.rawValue, record.leadID?.rawValue, "this email was received before"
                )
            case .skipped(let record):
                (self.outcome, self.emailId, self.reason) = ("skipped", record.id.rawValue, record.reason)
            }
        }
    }

    // MARK: The inbound address

    /// The token of the workspace's inbound address, `/inbound/email/{token}`, made the first time it is asked
    /// for. Only its hash is stored: the token is derived again from a server key and the address's generation.
    package func addressToken(of workspace: Workspace.ID) async throws -> String {
        let store = InboundEmailStore(database: self.database.sql)
        if let generation = try await store.addressGeneration(of: workspace) {
            return try await self.token(of: workspace, generation: generation)
        }
        return try await self.saveAddress(generation: 1, of: workspace)
    }

    /// A new address: the old one answers 404 from now on.
    package func replaceAddress(of workspace: Workspace.ID) async throws -> String {
        let generation = try await InboundEmailStore(database: self.database.sql).addressGeneration(of: workspace) ?? 0
        return try await self.saveAddress(generation: generation + 1, of: workspace)
    }

    /// The workspace whose address has this token, or nil.
    package func workspace(ofToken token: String) async throws -> Workspace.ID? {
        guard token.utf8.count == Self.tokenLength, token.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        return try await InboundEmailStore(database: self.database.sql).workspace(ofTokenHash: Self.hash(token))
    }

    static let tokenLength = 40

    private func saveAddress(generation: Int, of workspace: Workspace.ID) async throws -> String {
        let token = try await self.token(of: workspace, generation: generation)
        try await self.database.transaction { tx in
            try await InboundEmailStore(database: tx).saveAddress(
                generation: generation, tokenHash: Self.hash(token), of: workspace, at: self.clock.now)
        }
        return token
    }

    private func token(of workspace: Workspace.ID, generation: Int) async throws -> String {
        let key = SymmetricKey(data: Data(try await self.secrets.value(ServerSecrets.inboundAddressKey).utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(workspace.rawValue):\(generation)".utf8), using: key)
        return String(Hex.encode(mac).prefix(Self.tokenLength))
    }

    private static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Data(token.utf8)))
    }

    // MARK: Receiving

    /// Makes a lead of the email, or records why it holds none.
    package func receive(_ email: InboundEmail, in workspace: Workspace.ID) async throws -> Outcome {
        let key = email.message.messageID ?? "sha256:\(Hex.encode(SHA256.hash(data: email.original)))"
        let store = InboundEmailStore(database: self.database.sql)
        if let earlier = try await store.find(messageKey: key, in: workspace) { return .duplicate(earlier) }
        let record = InboundEmailRecord(
            id: .generate(), workspaceID: workspace, messageKey: key, receivedAt: self.clock.now,
            format: email.format, fromAddress: email.message.from?.address,
            subject: EmailLeadReader.clean(email.message.subject, max: 500, oneLine: true), outcome: .skipped)
        let changes: LeadChanges
        switch EmailLeadReader.read(email.message) {
        case .skipped(let reason):
            return try await self.recordSkipped(record, reason: reason, email: email)
        case .lead(let lead):
            do {
                changes = try Self.changes(for: lead, subject: email.message.subject, format: email.format)
            } catch let failure as ValidationFailure {
                let reasons = failure.fields.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
                return try await self.recordSkipped(
                    record, reason: "the lead in it is not valid: \(reasons)", email: email)
            }
        }
        do {
            let unsaved = record
            return try await self.database.transaction { tx in
                let lead = try await LeadOperations(database: self.database, clock: self.clock)
                    .create(changes, in: workspace, within: tx)
                var record = unsaved
                record.outcome = .created
                record.leadID = lead.id
                guard try await InboundEmailStore(database: tx).insert(record, original: email.original) else {
                    throw ReceivedMeanwhile()
                }
                return .created(lead, record)
            }
        } catch is ReceivedMeanwhile {
            return try await self.earlier(key, in: workspace)
        }
    }

    /// The same email arrived by another request while this one read it: the lead made here is rolled back.
    private struct ReceivedMeanwhile: Error {}

    private func earlier(_ key: String, in workspace: Workspace.ID) async throws -> Outcome {
        guard
            let earlier = try await InboundEmailStore(database: self.database.sql).find(messageKey: key, in: workspace)
        else { throw ReceivedMeanwhile() }
        return .duplicate(earlier)
    }

    private func recordSkipped(_ record: InboundEmailRecord, reason: String, email: InboundEmail) async throws
        -> Outcome
    {
        var skipped = record
        skipped.reason = reason
        let record = skipped
        let stored = try await self.database.transaction { tx in
            try await InboundEmailStore(database: tx).insert(record, original: email.original)
        }
        return stored ? .skipped(record) : try await self.earlier(record.messageKey, in: record.workspaceID)
    }

    /// The lead as the API's JSON body would give it, so it meets the API's rules. An email or phone the lead
    /// would refuse is left out (kept in the notes as written), as long as the other one is there.
    static func changes(for lead: EmailLead, subject: String, format: InboundEmail.Format) throws -> LeadChanges {
        var lead = lead
        var asWritten: [String] = []
        if let email = lead.email, (try? TextRules.email(email)) == nil {
            asWritten.append("email as written: \(email)")
            lead.email = nil
        }
        if let phone = lead.phone, (try? PhoneNumber(validating: phone)) == nil {
            asWritten.append("phone as written: \(phone)")
            lead.phone = nil
        }
        guard lead.email != nil || lead.phone != nil else {
            throw ValidationFailure(
                field: lead.email == nil ? "email" : "phone",
                message: "is not one a person can be reached at (\(asWritten.joined(separator: ", ")))")
        }
        let origin =
            EmailLeadReader.portals.first { $0.source == lead.source }.map { "the \($0.source) lead email" }
            ?? "the email"
        var notes = [lead.message, lead.listingLink.map { "Listing: \($0)" }].compactMap { $0 }
        notes += asWritten
        notes.append("Imported from \(origin) “\(EmailLeadReader.clean(subject, max: 200, oneLine: true))”.")
        var object: [String: String] = [
            "name": lead.name, "source": lead.source, "notes": String(notes.joined(separator: "\n\n").prefix(5_000)),
        ]
        object["email"] = lead.email
        object["phone"] = lead.phone
        object["propertyAddress"] = lead.propertyAddress
        let changes = try JSONDecoder().decode(
            LeadChanges.self, from: try JSONSerialization.data(withJSONObject: object))
        try changes.check()
        return changes
    }

    // MARK: Reading back

    /// The newest emails received, for Settings → Email import.
    package func latest(_ limit: Int = 25, in workspace: Workspace.ID) async throws -> [InboundEmailRecord] {
        try await InboundEmailStore(database: self.database.sql).latest(limit, in: workspace)
    }

    /// The email a lead was made from, read again from the bytes kept.
    package func original(of lead: Lead.ID, in workspace: Workspace.ID) async throws
        -> (record: InboundEmailRecord, message: EmailMessage?, original: Data)?
    {
        guard
            let (record, original) = try await InboundEmailStore(database: self.database.sql).original(
                of: lead, in: workspace)
        else { return nil }
        let message = try? InboundEmail(body: Array(original), format: record.format, contentType: "").message
        return (record, message, original)
    }
}
