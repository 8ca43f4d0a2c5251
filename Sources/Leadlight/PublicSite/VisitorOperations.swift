import Foundation
import SQLKit

/// What a visitor typed into one of the public site's forms, as sent.
package struct VisitorDetails: Sendable, Equatable {
    package var name = ""
    package var email = ""
    package var phone = ""
    package var message = ""

    package init(name: String = "", email: String = "", phone: String = "", message: String = "") {
        (self.name, self.email, self.phone, self.message) = (name, email, phone, message)
    }

    /// The fields a visitor filled in, as the API's body would carry them: the name always, the others when not
    /// empty, the message under `messageKey` (or not at all).
    private func sent(messageKey: String?) -> [(field: String, text: String)] {
        var fields: [(field: String, text: String)] = [("name", self.name)]
        for (key, value) in [("email", self.email), ("phone", self.phone), (messageKey ?? "", self.message)]
        where !key.isEmpty && !TextRules.trimmed(value).isEmpty {
            fields.append((key, value))
        }
        return fields
    }

    /// The fields as a lead's, read exactly as the API reads the same strings, without a trip through JSON (the
    /// contact form is the site's busiest).
    fileprivate func leadChanges(source: String, messageKey: String? = "notes") -> LeadChanges {
        LeadChanges(texts: [("source", source)] + self.sent(messageKey: messageKey))
    }

    /// The fields as a client's, decoded from the API's JSON body, so a visitor's client meets exactly the API's
    /// rules (the message is not a client's: it goes with the showing).
    fileprivate func clientChanges() throws -> ClientChanges {
        let object = Dictionary(self.sent(messageKey: nil).map { ($0.field, $0.text) }) { $1 }
        return try JSONDecoder().decode(ClientChanges.self, from: try JSONSerialization.data(withJSONObject: object))
    }
}

/// The public site's changes: a visitor's contact message, showing request, sign-up and guide download. Each
/// goes through the same operations as the API's (`LeadOperations`, `ClientOperations`, `ShowingOperations`),
/// inside one transaction with the consent the visitor gave, so it is stored and announced exactly as the API
/// would store and announce it.
package struct VisitorOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock

    package init(database: LeadlightDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    static let websiteSource = "website"
    static let guideSource = "guide download"

    /// The contact form: a lead with `source` `website`, the message as its notes (`lead.created`). A person who
    /// gives neither an email nor a phone cannot be answered, so one of them is required.
    package func contact(_ visitor: VisitorDetails, consent: Consent?, in workspace: Workspace.ID) async throws
        -> Lead
    {
        let changes = visitor.leadChanges(source: Self.websiteSource)
        var errors = FieldErrorCollector()
        errors.check { try changes.check() }
        if TextRules.trimmed(visitor.email).isEmpty, TextRules.trimmed(visitor.phone).isEmpty {
            errors.add("email", "is needed, or a phone number, so that you can be answered")
        }
        try errors.throwIfAny()
        return try await self.database.transaction { tx in
            let lead = try await LeadOperations(database: self.database, clock: self.clock)
                .create(changes, in: workspace, within: tx)
            if let consent {
                try await ConsentStore(database: tx).record(consent, for: lead.id.rawValue, in: workspace)
            }
            return lead
        }
    }

    /// The guide download: a lead with `source` `guide download` (`lead.created`); name and email required.
    package func requestGuide(_ visitor: VisitorDetails, in workspace: Workspace.ID) async throws -> Lead {
        let changes = visitor.leadChanges(source: Self.guideSource, messageKey: nil)
        var errors = FieldErrorCollector()
        errors.check { try changes.check() }
        if TextRules.trimmed(visitor.email).isEmpty { errors.add("email", "is required") }
        try errors.throwIfAny()
        return try await LeadOperations(database: self.database, clock: self.clock).create(changes, in: workspace)
    }

    /// A showing request from a listing's page: the workspace's client with the email, or a new one
    /// (`client.created`), and a showing in status `requested` (`showing.requested`), in one transaction. An
    /// existing client's details are never changed by a visitor; what they typed otherwise goes in the notes.
    /// The listing must be one of the workspace's active listings.
    package func requestShowing(
        of listingID: Listing.ID, by visitor: VisitorDetails, preferredTime: Date?, consent: Consent?,
        in workspace: Workspace.ID
    ) async throws -> (client: Client, showing: Showing, clientIsNew: Bool) {
        let clientChanges = try visitor.clientChanges()
        var errors = FieldErrorCollector()
        let draft = errors.check { try clientChanges.makeClient(id: .generate(), in: workspace, at: self.clock.now) }
        var showingBody: [String: Any] = ["clientId": "cli_pending", "listingId": listingID.rawValue]
        if let preferredTime { showingBody["preferredTime"] = LeadlightJSON.timestamp(preferredTime) }
        let message = TextRules.trimmed(visitor.message)
        if !message.isEmpty { showingBody["notes"] = visitor.message }
        let showingChanges = try JSONDecoder().decode(
            ShowingChanges.self, from: try JSONSerialization.data(withJSONObject: showingBody))
        errors.check { try showingChanges.check() }
        try errors.throwIfAny()
        guard let draft else { throw ValidationFailure(errors.errors) }
        return try await self.database.transaction { tx in
            guard let listing = try await ListingStore(database: tx).find(listingID, in: workspace),
                listing.status == .active, listing.archivedAt == nil
            else { throw NotFound("listing") }
            let clients = ClientStore(database: tx)
            let client: Client
            var notes = message
            let isNew: Bool
            if let existing = try await clients.find(email: draft.email, in: workspace) {
                client = existing
                isNew = false
                let given = [
                    draft.name != existing.name ? draft.name : nil,
                    draft.phone.map(\.digits) != existing.phone.map(\.digits) ? draft.phone?.text : nil,
                ].compactMap { $0 }
                if !given.isEmpty {
                    notes += (notes.isEmpty ? "" : "\n\n") + "Given on the request: \(given.joined(separator: ", "))"
                }
            } else {
                client = try await ClientOperations(database: self.database, clock: self.clock)
                    .create(clientChanges, in: workspace, within: tx)
                isNew = true
            }
            var body: [String: Any] = ["clientId": client.id.rawValue, "listingId": listing.id.rawValue]
            if let preferredTime { body["preferredTime"] = LeadlightJSON.timestamp(preferredTime) }
            if !notes.isEmpty { body["notes"] = String(notes.prefix(5000)) }
            let showing = try await ShowingOperations(database: self.database, clock: self.clock).request(
                try JSONDecoder().decode(ShowingChanges.self, from: try JSONSerialization.data(withJSONObject: body)),
                in: workspace, within: tx)
            if let consent {
                try await ConsentStore(database: tx).record(consent, for: client.id.rawValue, in: workspace)
            }
            return (client, showing, isNew)
        }
    }

    /// How a sign-up began.
    package enum SignUpStart: Sendable, Equatable {
        /// Send this token in the confirmation link.
        case confirm(token: String)
        /// The email belongs to a client already: nothing is stored (the visitor is told the same either way).
        case alreadyClient
    }

    /// Checks the sign-up as a client would be checked, and keeps it until the emailed link confirms it.
    package func startSignUp(_ visitor: VisitorDetails, consent: Consent?, in workspace: Workspace.ID) async throws
        -> SignUpStart
    {
        let now = self.clock.now
        let draft = try visitor.clientChanges()
            .makeClient(id: .generate(), in: workspace, at: now)
        return try await self.database.transaction { tx in
            if try await ClientStore(database: tx).find(email: draft.email, in: workspace) != nil {
                return .alreadyClient
            }
            let token = try await ClientSignUpStore(database: tx).start(
                ClientSignUp(
                    workspaceID: workspace, name: draft.name, email: draft.email, phone: draft.phone, consent: consent,
                    createdAt: now, expiresAt: now.addingTimeInterval(ClientSignUp.lifetime)))
            return .confirm(token: token)
        }
    }

    /// What the confirmation link did.
    package enum SignUpConfirmation: Sendable, Equatable {
        case created(Client.ID)
        /// Confirmed before, or the email became a client's meanwhile: nothing new.
        case alreadyDone
        /// Unknown, or past its lifetime.
        case invalid
    }

    /// Makes the client of a sign-up whose link was opened (`client.created`), once.
    package func confirmSignUp(token: String, in workspace: Workspace.ID) async throws -> SignUpConfirmation {
        let now = self.clock.now
        return try await self.database.transaction { tx in
            let signUps = ClientSignUpStore(database: tx)
            guard let signUp = try await signUps.find(token: token, in: workspace) else { return .invalid }
            if signUp.confirmedAt != nil { return .alreadyDone }
            guard signUp.expiresAt > now else { return .invalid }
            guard try await signUps.confirm(token: token, at: now) else { return .alreadyDone }
            if try await ClientStore(database: tx).find(email: signUp.email, in: workspace) != nil {
                return .alreadyDone
            }
            let visitor = VisitorDetails(name: signUp.name, email: signUp.email, phone: signUp.phone?.text ?? "")
            let client = try await ClientOperations(database: self.database, clock: self.clock)
                .create(try visitor.clientChanges(), in: workspace, within: tx)
            if var consent = signUp.consent {
                consent.givenAt = signUp.createdAt
                try await ConsentStore(database: tx).record(consent, for: client.id.rawValue, in: workspace)
            }
            return .created(client.id)
        }
    }

    /// Counts a submission caught as a bot's (nothing else is stored).
    package func countBot(in workspace: Workspace.ID) async throws {
        try await self.database.transaction { tx in
            try await PublicProfileStore(database: tx).countBot(in: workspace, at: self.clock.now)
        }
    }
}
