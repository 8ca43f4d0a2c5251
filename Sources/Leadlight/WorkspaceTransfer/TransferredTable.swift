import SQLKit

/// A table whose rows belong to one workspace, as `leadlight workspace export` writes them and `import` reads
/// them back: in this order, so every row comes after the rows it refers to.
struct TransferredTable: Sendable {
    var name: String
    /// Which rows are the workspace's.
    var scope: Scope = .column("workspace_id")
    /// Orders the rows, so an export of the same workspace is the same file.
    var order: String = "id"
    /// Columns left out: the event's place in the whole database's sequence (a new one is taken in the other
    /// database, in the same order), a delivery's claim by a worker of the old server.
    var skipped: Set<String> = []
    /// Rows SQLite's own triggers may already have made from earlier ones (an event's subjects).
    var mayExist = false

    /// Everything of a workspace but what is the server's rather than its own (sessions, idempotency keys, rate
    /// windows, server secrets, files uploaded for an import, the HubSpot connection, whose token is sealed
    /// with this server's key) and what triggers keep (record counts).
    static let all: [TransferredTable] = [
        TransferredTable(name: "workspaces", scope: .column("id")),
        TransferredTable(name: "users"),
        TransferredTable(name: "api_keys"),
        TransferredTable(name: "offerings"),
        TransferredTable(name: "clients"),
        TransferredTable(name: "leads"),
        TransferredTable(name: "listings"),
        TransferredTable(name: "listing_photos", order: "listing_id"),
        TransferredTable(name: "showings"),
        TransferredTable(name: "notes"),
        TransferredTable(name: "consents"),
        TransferredTable(name: "client_signups", order: "token_hash"),
        TransferredTable(name: "public_profiles", order: "workspace_id"),
        TransferredTable(name: "public_files", order: "kind"),
        TransferredTable(name: "email_import_addresses", order: "workspace_id"),
        TransferredTable(name: "inbound_emails"),
        TransferredTable(name: "imports"),
        TransferredTable(name: "import_failures", order: "import_id, line"),
        // Events before endpoints: on SQLite an event's insert queues deliveries to the endpoints there already.
        TransferredTable(name: "events", order: "seq", skipped: ["seq"]),
        TransferredTable(
            name: "event_subjects", order: "subject_id, occurred_at, event_id", mayExist: true),
        TransferredTable(name: "webhook_endpoints"),
        TransferredTable(name: "webhook_deliveries", skipped: ["claimed_by", "claimed_until"]),
        TransferredTable(
            name: "webhook_attempts",
            scope: .ofTheWorkspacesDeliveries,
            order: "delivery_id, number"),
    ]

    enum Scope: Sendable {
        /// The column holds the workspace's id.
        case column(String)
        /// `delivery_id` is one of the workspace's webhook deliveries.
        case ofTheWorkspacesDeliveries
    }

    /// `SELECT columns FROM table WHERE (the workspace's) ORDER BY order`.
    func select(_ columns: [String], of workspace: Workspace.ID) -> SQLQueryString {
        let names = SQLList(columns.map { SQLIdentifier($0) })
        let condition: SQLQueryString =
            switch self.scope {
            case .column(let column): "\(ident: column) = \(bind: workspace.rawValue)"
            case .ofTheWorkspacesDeliveries:
                "delivery_id IN (SELECT id FROM webhook_deliveries WHERE workspace_id = \(bind: workspace.rawValue))"
            }
        return "SELECT \(names) FROM \(ident: self.name) WHERE \(condition) ORDER BY \(unsafeRaw: self.order)"
    }

    /// What a column holds, read from the database's own description of the table.
    enum Kind: Sendable {
        case text, integer, boolean, bytes, real
    }

    /// The table's columns in the database, in their order, less the skipped ones.
    func columns(in database: any SQLDatabase) async throws -> [(name: String, kind: Kind)] {
        let query: SQLQueryString =
            switch DatabaseDialect(of: database) {
            case .sqlite: "SELECT name, type FROM pragma_table_info(\(bind: self.name)) ORDER BY cid"
            case .postgres:
                """
                SELECT column_name AS name, data_type AS type FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(bind: self.name) ORDER BY ordinal_position
                """
            }
        return try await database.raw(query).all().compactMap { row in
            let name = try row.decode(column: "name", as: String.self)
            guard !self.skipped.contains(name) else { return nil }
            return (name, Self.kind(of: try row.decode(column: "type", as: String.self)))
        }
    }

    /// SQLite's declared types and PostgreSQL's type names alike.
    private static func kind(of type: String) -> Kind {
        let type = type.uppercased()
        if type.contains("BOOL") { return .boolean }
        if type.contains("INT") { return .integer }
        if type.contains("BLOB") || type.contains("BYTEA") { return .bytes }
        if ["REAL", "DOUBLE", "FLOAT", "NUMERIC", "DECIMAL"].contains(where: type.contains) { return .real }
        return .text
    }
}
