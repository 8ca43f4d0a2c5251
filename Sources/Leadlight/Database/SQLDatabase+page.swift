import SQLKit

extension SQLDatabase {
    /// One page of the rows `filtered` selects (it names the table and the conditions), newest first, and how
    /// many rows it selects in all: the shape of every list endpoint (`{"…": [...], "total": N}`). When the
    /// filters are ones `record_counts` keeps (`counted`), the total is read from there; otherwise it is counted.
    func newestFirstPage<T>(
        limit: Int,
        offset: Int,
        filtered: (SQLSelectBuilder) -> SQLSelectBuilder,
        counted: RecordCounts.Selection? = nil,
        decode: (any SQLRow) throws -> T
    ) async throws -> ([T], Int) {
        var select = self.select().column("*")
        if let counted {
            // the total read in the page's own statement: one statement, one snapshot
            select = select.column(SQLGroupExpression(RecordCounts.totalQuery(counted)), as: "leadlight_total")
        }
        let rows = try await filtered(select)
            .orderBy("created_at", .descending)
            .orderBy("id", .descending)
            .limit(limit)
            .offset(offset)
            .all()
        let page = try rows.map(decode)
        if let counted {
            if let first = rows.first {
                return (page, try first.decodeIfPresent(column: "leadlight_total", as: Int.self) ?? 0)
            }
            return (page, offset == 0 ? 0 : try await RecordCounts(database: self).total(counted))
        }
        let total =
            try await filtered(self.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n"))
            .first()?.decode(column: "n", as: Int.self) ?? 0
        return (page, total)
    }
}
