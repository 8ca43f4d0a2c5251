import Hummingbird

/// The filters of `GET /api/v1/leads` (seeds/001: `?status=new&limit=50&offset=0`, and `q`, `archived`),
/// checked: an unknown parameter or value is a 400, not an empty list.
package struct LeadQuery: Sendable, Equatable {
    package var status: LeadStatus?
    var search: SearchTerm?
    package var archived = false
    package var limit = 50
    package var offset = 0

    static let parameters: Set<String> = ["status", "q", "archived", "limit", "offset"]

    /// Every lead in use, newest first, the first page.
    package init() {}

    init(validating parameters: Hummingbird.Parameters) throws {
        var errors = FieldErrorCollector()
        QueryRules.rejectUnknown(parameters.map { String($0.key) }, allowed: Self.parameters, &errors)
        if let text = parameters.get("status") {
            self.status = LeadStatus(rawValue: text.lowercased())
            if self.status == nil { errors.add("status", "must be one of \(LeadStatus.spellings)") }
        }
        self.search = QueryRules.search(parameters.get("q"), &errors)
        self.archived = QueryRules.archived(parameters.get("archived"), &errors)
        (self.limit, self.offset) = QueryRules.page(parameters.get("limit"), parameters.get("offset"), &errors)
        try errors.throwIfAny()
    }
}
