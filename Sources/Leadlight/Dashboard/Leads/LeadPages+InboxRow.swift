import Foundation

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
