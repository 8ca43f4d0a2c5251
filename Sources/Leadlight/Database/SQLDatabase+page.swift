import SQLKit

extension SQLDatabase {
    /// One page of the rows of `table` that `conditions` select, newest first, and how many rows they select in
    /// all: the shape of every list endpoint (`{"…": [...], "total": N}`). When the filters are ones
    /// `record_counts` keeps (`counted`), the total is read from there, in the page's own statement; otherwise it
    /// is counted.
    ///
    /// The statement is written out rather than built with SQLKit's builder, whose serializing (each identifier
    /// quoted and escaped) was a twelfth of an uncached list's time (docs/BENCHMARKS.md); `conditions` is SQL
    /// with its values bound (`WHERE` is written here).
    func newestFirstPage<T>(
        from table: String,
        where conditions: SQLQueryString,
        limit: Int,
        offset: Int,
        counted: RecordCounts.Selection? = nil,
        decode: (any SQLRow) throws -> T
    ) async throws -> ([T], Int) {
        // the total read in the page's own statement: one statement, one snapshot
        let total: SQLQueryString = counted.map { ", (\(RecordCounts.totalQuery($0))) AS leadlight_total" } ?? ""
        let rows = try await self.raw(
            """
            SELECT *\(total) FROM \(unsafeRaw: table) WHERE \(conditions) \
            ORDER BY created_at DESC, id DESC LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
        ).all()
        let page = try rows.map(decode)
        if let counted {
            if let first = rows.first {
                return (page, try first.decodeIfPresent(column: "leadlight_total", as: Int.self) ?? 0)
            }
            return (page, offset == 0 ? 0 : try await RecordCounts(database: self).total(counted))
        }
        let count = try await self.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(conditions)").first()
        return (page, try count?.decode(column: "n", as: Int.self) ?? 0)
    }
}

extension SQLQueryString {
    /// The condition of a list of archivable records: those archived, or those in use.
    static func archived(_ archived: Bool) -> SQLQueryString {
        archived ? "archived_at IS NOT NULL" : "archived_at IS NULL"
    }
}
