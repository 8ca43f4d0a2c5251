import Mustache
import Testing

@testable import Leadlight

/// The view-model pieces that answer a template's lookups themselves (`MustacheParent`) answer every one of
/// their properties by its name, with its value, as the reflection they replace did; and nothing else.
@Suite struct DashboardLookupTests {
    static func expectEveryPropertyAnswered(_ value: some MustacheParent) {
        let mirror = Mirror(reflecting: value)
        #expect(mirror.children.count > 0)
        for child in mirror.children {
            guard let label = child.label else {
                Issue.record("\(type(of: value)) has a property without a name")
                continue
            }
            let answered = value.child(named: label)
            // a nil optional is not answered, so the lookup goes on to the enclosing values, as it did when
            // reflection left it out; any other value is answered as itself
            let expected: Any? =
                Mirror(reflecting: child.value).displayStyle == .optional
                ? Mirror(reflecting: child.value).children.first?.value : child.value
            #expect(
                answered.map { String(describing: $0) } == expected.map { String(describing: $0) },
                "\(type(of: value)).\(label)")
        }
        #expect(value.child(named: "notAProperty") == nil)
    }

    @Test func theFrameItsLinksAndOptionsAnswerEveryPropertyByName() {
        let layout = DashboardLayout(
            workspaceName: "Ada's <Homes>", csrfToken: "token", navigation: DashboardLayout.navigation(current: .leads))
        Self.expectEveryPropertyAnswered(layout)
        Self.expectEveryPropertyAnswered(DashboardLayout.Link(text: "Leads", href: "/leads", current: true))
        Self.expectEveryPropertyAnswered(FormField.Option(value: "new", text: "New", selected: true))
        Self.expectEveryPropertyAnswered(FormField.Option(value: "", text: "Any", selected: false))
    }

    @Test func theBoardAnswersEveryPropertyByName() {
        let layout = DashboardLayout(workspaceName: "Homes", csrfToken: "token", navigation: "")
        Self.expectEveryPropertyAnswered(
            ClientPages.BoardPage(layout: layout, q: "ada", columns: "<section></section>", total: 3))
    }

    @Test func theInboxAndItsPagingAnswerEveryPropertyByName() {
        let layout = DashboardLayout(workspaceName: "Homes", csrfToken: "token", navigation: "")
        let options = FormField.Option.html([FormField.Option(value: "new", text: "New", selected: true)])
        for (notice, newer) in [("2 leads changed.", "/leads?page=1"), (nil, nil)] as [(String?, String?)] {
            let paging = ListPaging.Position(total: 120, first: 51, last: 100, newer: newer, older: "/leads?page=3")
            Self.expectEveryPropertyAnswered(paging)
            Self.expectEveryPropertyAnswered(
                LeadPages.InboxPage(
                    layout: layout, q: "ada", status: "new", statusFilter: options, statusChoices: options,
                    rows: "<tr></tr>", hasRows: true, paging: paging, notice: notice, error: "Select one.",
                    archived: false))
        }
    }
}
