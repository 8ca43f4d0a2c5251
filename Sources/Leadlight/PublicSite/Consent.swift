import Foundation
import SQLKit

/// A visitor's consent to be called or texted, as they gave it: the words they agreed to, when, and on which
/// page. Kept beside the lead or client it came with, written in the same transaction.
package struct Consent: Sendable, Equatable {
    package var text: String
    package var page: String
    package var givenAt: Date

    /// The words beside the unticked box wherever the public site asks for a phone number.
    static func text(agent: String) -> String {
        "I agree that \(agent) may call or text me at the number I gave about this enquiry."
    }
}

/// Every query that touches `consents`.
struct ConsentStore: Sendable {
    let database: any SQLDatabase

    func record(_ consent: Consent, for subject: String, in workspace: Workspace.ID) async throws {
        try await self.database.insert(into: "consents")
            .columns("id", "workspace_id", "subject_id", "text", "page", "given_at")
            .values(
                SQLBind("cns_\(Base62.random(count: 20))"), SQLBind(workspace.rawValue), SQLBind(subject),
                SQLBind(consent.text), SQLBind(consent.page), SQLBind(consent.givenAt.millisecondsSince1970)
            )
            .run()
    }

    /// The consents given with a lead or client, newest first.
    package func consents(of subject: String, in workspace: Workspace.ID) async throws -> [Consent] {
        try await self.database.select().columns("text", "page", "given_at").from("consents")
            .where("workspace_id", .equal, workspace.rawValue).where("subject_id", .equal, subject)
            .orderBy("given_at", .descending)
            .all()
            .map { row in
                Consent(
                    text: try row.decode(column: "text", as: String.self),
                    page: try row.decode(column: "page", as: String.self),
                    givenAt: Date(millisecondsSince1970: try row.decode(column: "given_at", as: Int64.self)))
            }
    }
}
