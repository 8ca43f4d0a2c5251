import Foundation
import SQLKit

/// Every query on `inbound_emails` and `email_import_addresses`.
struct InboundEmailStore: Sendable {
    let database: any SQLDatabase

    /// Records an email; false when the workspace has one with the same key already (nothing written).
    func insert(_ record: InboundEmailRecord, original: Data) async throws -> Bool {
        do {
            try await self.database.insert(into: "inbound_emails")
                .columns(
                    "id", "workspace_id", "message_key", "received_at", "format", "from_address", "subject", "outcome",
                    "reason", "lead_id", "original"
                )
                .values(
                    SQLBind(record.id.rawValue), SQLBind(record.workspaceID.rawValue), SQLBind(record.messageKey),
                    SQLBind(record.receivedAt.millisecondsSince1970), SQLBind(record.format.rawValue),
                    SQLBind.orNull(record.fromAddress), SQLBind(record.subject), SQLBind(record.outcome.rawValue),
                    SQLBind.orNull(record.reason), SQLBind.orNull(record.leadID?.rawValue), SQLBind(original)
                )
                .run()
            return true
        } catch  where UniqueViolation.matches(error) {
            return false
        }
    }

    func find(messageKey: String, in workspace: Workspace.ID) async throws -> InboundEmailRecord? {
        try await self.database.select().columns(Self.listed).from("inbound_emails")
            .where("workspace_id", .equal, workspace.rawValue).where("message_key", .equal, messageKey)
            .first()
            .map(Self.record)
    }

    /// The newest `limit` emails received, newest first.
    func latest(_ limit: Int, in workspace: Workspace.ID) async throws -> [InboundEmailRecord] {
        try await self.database.select().columns(Self.listed).from("inbound_emails")
            .where("workspace_id", .equal, workspace.rawValue)
            .orderBy("received_at", .descending).orderBy("id", .descending)
            .limit(limit)
            .all()
            .map(Self.record)
    }

    /// The record of the email a lead was made from, without its bytes.
    func record(ofLead lead: Lead.ID, in workspace: Workspace.ID) async throws -> InboundEmailRecord? {
        try await self.database.select().columns(Self.listed).from("inbound_emails")
            .where("workspace_id", .equal, workspace.rawValue).where("lead_id", .equal, lead.rawValue)
            .first()
            .map(Self.record)
    }

    /// The email a lead was made from, with the bytes as received.
    func original(of lead: Lead.ID, in workspace: Workspace.ID) async throws -> (InboundEmailRecord, Data)? {
        try await self.database.select().columns(Self.listed + ["original"]).from("inbound_emails")
            .where("workspace_id", .equal, workspace.rawValue).where("lead_id", .equal, lead.rawValue)
            .first()
            .map { row in (try Self.record(row), try row.decode(column: "original", as: Data.self)) }
    }

    private static let listed = [
        "id", "workspace_id", "message_key", "received_at", "format", "from_address", "subject", "outcome", "reason",
        "lead_id",
    ]

    private static func record(_ row: any SQLRow) throws -> InboundEmailRecord {
        InboundEmailRecord(
            id: .init(rawValue: try row.decode(column: "id", as: String.self)),
            workspaceID: .init(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            messageKey: try row.decode(column: "message_key", as: String.self),
            receivedAt: Date(millisecondsSince1970: try row.decode(column: "received_at", as: Int64.self)),
            format: InboundEmail.Format(rawValue: try row.decode(column: "format", as: String.self)) ?? .rfc822,
            fromAddress: try row.decode(column: "from_address", as: String?.self),
            subject: try row.decode(column: "subject", as: String.self),
            outcome: .init(rawValue: try row.decode(column: "outcome", as: String.self)) ?? .skipped,
            reason: try row.decode(column: "reason", as: String?.self),
            leadID: try row.decode(column: "lead_id", as: String?.self).map { .init(rawValue: $0) })
    }

    // MARK: The inbound address

    /// The address's generation for the workspace, or nil before it has one.
    func addressGeneration(of workspace: Workspace.ID) async throws -> Int? {
        try await self.database.select().column("generation").from("email_import_addresses")
            .where("workspace_id", .equal, workspace.rawValue)
            .first()
            .map { try $0.decode(column: "generation", as: Int.self) }
    }

    func saveAddress(generation: Int, tokenHash: String, of workspace: Workspace.ID, at now: Date) async throws {
        try await self.database.insert(into: "email_import_addresses")
            .columns("workspace_id", "generation", "token_hash", "created_at")
            .values(
                SQLBind(workspace.rawValue), SQLBind(generation), SQLBind(tokenHash), SQLBind(now.millisecondsSince1970)
            )
            .onConflict(with: ["workspace_id"]) { update in
                update.set(excludedValueOf: "generation").set(excludedValueOf: "token_hash")
                    .set(excludedValueOf: "created_at")
            }
            .run()
    }

    func workspace(ofTokenHash hash: String) async throws -> Workspace.ID? {
        try await self.database.select().column("workspace_id").from("email_import_addresses")
            .where("token_hash", .equal, hash)
            .first()
            .map { Workspace.ID(rawValue: try $0.decode(column: "workspace_id", as: String.self)) }
    }
}
