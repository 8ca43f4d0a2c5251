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
            #expect(answered != nil, "\(type(of: value)).\(label)")
            #expect(
                answered.map { String(describing: $0) } == String(describing: child.value),
                "\(type(of: value)).\(label)")
        }
        #expect(value.child(named: "notAProperty") == nil)
    }

    @Test func theFrameItsLinksAndOptionsAnswerEveryPropertyByName() {
        let layout = DashboardLayout(
            workspaceName: "Ada's <Homes>", csrfToken: "token",
            navigation: [.init(text: "Leads", href: "/leads", current: true)])
        Self.expectEveryPropertyAnswered(layout)
        Self.expectEveryPropertyAnswered(layout.navigation[0])
        Self.expectEveryPropertyAnswered(FormField.Option(value: "new", text: "New", selected: true))
        Self.expectEveryPropertyAnswered(FormField.Option(value: "", text: "Any", selected: false))
    }
}
