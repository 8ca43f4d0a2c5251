import SQLKit

extension SQLDatabase {
    /// One page of the rows `filtered` selects (it names the table and the conditions), newest first, and how
    /// many rows it selects in all: the shape of every list endpoint (`{"…": [...], "total": N}`).
    func newestFirstPage<T>(
        limit: Int,
        offset: Int,
        filtered: (SQLSelectBuilder) -> SQLSelectBuilder,
        decode: (any SQLRow) throws -> T
    ) async throws -> ([T], Int) {
        let page = try await filtered(self.select().column("*"))
            .orderBy("created_at", .descending)
            .orderBy("id", .descending)
            .limit(limit)
            .offset(offset)
            .all()
            .map(decode)
        let total =
            try await filtered(self.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n"))
            .first()?.decode(column: "n", as: Int.self) ?? 0
        return (page, total)
    }
}
