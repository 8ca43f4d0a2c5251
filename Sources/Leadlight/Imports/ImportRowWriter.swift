/// Writes one kind's rows, a chunk at a time, through that kind's operation: offerings through the bulk upsert,
/// leads and clients through their contact-list import. Each row is a line's cells (`ImportColumns.cells`).
struct ImportRowWriter: Sendable {
    let kind: ImportKind
    let database: LeadlightDatabase
    let clock: WallClock
    /// Offerings are matched by externalId before sku (a pull from HubSpot, whose ids are the keys).
    var matchingExternalIDFirst = false

    typealias Cells = [(field: String, text: String)]

    /// The key a later line of the file may not repeat (its offering or its person would be written twice), and
    /// the field that holds it: an offering's sku, else its externalId; a contact's email, else its phone's digits.
    func key(of cells: Cells) -> (field: String, key: String)? {
        func text(_ field: String) -> String? { cells.first { $0.field == field }?.text }
        switch self.kind {
        case .offerings:
            if let sku = text("sku") { return ("sku", sku) }
            return text("externalId").map { ("externalId", $0) }
        case .leads, .clients:
            if let email = text("email") { return ("email", email.lowercased()) }
            let digits = text("phone").map { String($0.unicodeScalars.filter { ("0"..."9").contains($0) }) }
            return digits.flatMap { $0.isEmpty ? nil : ("phone", $0) }
        }
    }

    /// Checks and writes `rows` in one transaction (rolled back in a dry run): one outcome per row, in order.
    func write(_ rows: [Cells], in workspace: Workspace, dryRun: Bool) async throws -> [ImportOutcome] {
        switch self.kind {
        case .offerings:
            let upserter = OfferingUpserter(database: self.database, clock: self.clock)
            let results = try await upserter.upsert(
                rows.map { OfferingRow(csv: CSVRowReader($0)) }, in: workspace, dryRun: dryRun,
                matchingExternalIDFirst: self.matchingExternalIDFirst)
            return results.map { result in
                switch result.status {
                case .created: .created
                case .updated: .updated
                case .unchanged: .unchanged
                case .failed: .failed(result.errors)
                }
            }
        case .leads:
            return try await LeadOperations(database: self.database, clock: self.clock).importRows(
                rows.map { LeadChanges(texts: $0) }, in: workspace.id, dryRun: dryRun)
        case .clients:
            return try await ClientOperations(database: self.database, clock: self.clock).importRows(
                rows.map { ClientChanges(texts: $0) }, in: workspace.id, dryRun: dryRun)
        }
    }
}
