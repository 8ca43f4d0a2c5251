/// Which page of a dashboard list is shown: `?page=` from 1 to 10,000 (anything else is page 1), 50 rows a page
/// unless the list says otherwise; and, once the rows are read, where they sit in the whole list, with links to
/// the pages either side.
struct ListPaging: Sendable {
    static let size = 50

    let number: Int
    /// Rows a page.
    let limit: Int
    var offset: Int { (self.number - 1) * self.limit }

    init(_ page: String?, size: Int = Self.size) {
        self.number = min(max(page.flatMap { Int($0) } ?? 1, 1), 10_000)
        self.limit = size
    }

    /// What a list's count line and pager show: `51–100 of 230`, and the Newer / Older links.
    struct Position: Sendable {
        var total: Int
        var first: Int
        var last: Int
        var newer: String?
        var older: String?
    }

    /// `shown` rows of `total` read at this page; `link` makes the address of another page, filters kept.
    func position(shown: Int, of total: Int, link: (Int) -> String) -> Position {
        Position(
            total: total, first: shown == 0 ? 0 : self.offset + 1, last: self.offset + shown,
            newer: self.number > 1 ? link(self.number - 1) : nil,
            older: self.offset + shown < total ? link(self.number + 1) : nil)
    }
}
