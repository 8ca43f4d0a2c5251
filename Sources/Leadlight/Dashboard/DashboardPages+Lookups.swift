import Mustache

// The pieces every signed-in page shows (the frame and its navigation, the options of a select) answer a
// template's lookups by name, rather than being reflected into dictionaries by `DashboardPages.tree(of:)` for
// each page: they were a seventh of the leads inbox's time. `DashboardLookupTests` checks that each answers every
// one of its properties, as the reflection did.

extension DashboardLayout: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "workspaceName": self.workspaceName
        case "csrfToken": self.csrfToken
        case "navigation": self.navigation
        default: nil  // looked up on the page, as on any view model
        }
    }
}

extension DashboardLayout.Link: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": self.text
        case "href": self.href
        case "current": self.current
        default: nil
        }
    }
}

extension FormField.Option: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": self.value
        case "text": self.text
        case "selected": self.selected
        case "selectedAttribute": self.selectedAttribute
        default: nil
        }
    }
}

extension ListPaging.Position: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "total": self.total
        case "first": self.first
        case "last": self.last
        case "newer": self.newer
        case "older": self.older
        default: nil
        }
    }
}
