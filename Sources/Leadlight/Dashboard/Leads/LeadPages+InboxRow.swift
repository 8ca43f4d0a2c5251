import Foundation
import Mustache

extension LeadPages.InboxPage {
    /// A lead's row of the inbox, written in Swift rather than in the template: a page shows 50, and the
    /// template's lookups were most of its time (`HTML`). Every value is escaped as the template escaped it.
    static func row(_ lead: Lead, in zone: TimeZone) -> HTML {
        let id = lead.id.rawValue
        let status = lead.status.rawValue
        return """
                  <tr>
                    <td><input type="checkbox" name="ids" value="\(id)" id="select-\(id)" aria-label="Select \(lead.name)"></td>
                    <td><a href="/leads/\(id)">\(lead.name)</a></td>
                    <td>\(lead.email)</td><td>\(lead.phone?.text)</td><td>\(lead.source)</td>
                    <td><span class="badge status-\(status)">\(status)</span></td>
                    <td class="muted">\(DashboardFormat.when(lead.createdAt, in: zone))</td>
                  </tr>

            """
    }
}

/// The inbox answers its template's lookups by name, as the frame does (`DashboardPages+Lookups.swift`): not
/// reflected into dictionaries for each page.
extension LeadPages.InboxPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "layout": self.layout
        case "q": self.q
        case "status": self.status
        case "statusFilter": self.statusFilter
        case "statusChoices": self.statusChoices
        case "rows": self.rows
        case "hasRows": self.hasRows
        case "paging": self.paging
        case "notice": self.notice
        case "error": self.error
        case "archived": self.archived
        default: nil
        }
    }
}
