import Hummingbird

/// Who a signed-in page is for: the session and its workspace. Every query of a page is scoped to this
/// workspace, so an id from another workspace is not found.
struct SignedIn: Sendable {
    var session: DashboardSession
    var workspace: Workspace

    var workspaceID: Workspace.ID { self.workspace.id }

    /// The frame of a page in `section` (the navigation's current link).
    func layout(_ section: DashboardSection) -> DashboardLayout {
        DashboardLayout(session: self.session, workspace: self.workspace, section: section)
    }
}

extension APIContext {
    /// The signed-in browser of a page behind `DashboardSignInRequiredMiddleware`.
    var signedIn: SignedIn {
        get throws {
            guard let session, let sessionWorkspace else { throw HTTPError(.unauthorized) }
            return SignedIn(session: session, workspace: sessionWorkspace)
        }
    }
}

/// The dashboard's sections, in the navigation's order.
enum DashboardSection: String, Sendable, CaseIterable {
    case overview, leads, clients, listings, showings, offerings, settings

    var title: String { self == .overview ? "Overview" : self.rawValue.capitalized }
    var path: String { self == .overview ? "/" : "/\(self.rawValue)" }
}

/// What every signed-in page's frame shows: the workspace, the navigation (the current section marked), and the
/// token of the session's forms.
struct DashboardLayout: Sendable {
    /// A link of a navigation: the settings' tabs, the public site's.
    struct Link: Sendable {
        var text: String
        var href: String
        var current: Bool
    }

    var workspaceName: String
    var csrfToken: String
    /// The main navigation's links, the page's section marked: `navigation(current:)`.
    var navigation: HTML
}

extension DashboardLayout {
    init(session: DashboardSession, workspace: Workspace, section: DashboardSection) {
        self.workspaceName = workspace.name
        self.csrfToken = session.csrfToken
        self.navigation = Self.navigations[section] ?? Self.navigation(current: section)
    }

    /// Each section's navigation, written once: every page of a section shows the same links.
    private static let navigations = Dictionary(
        uniqueKeysWithValues: DashboardSection.allCases.map { ($0, Self.navigation(current: $0)) })

    /// The links of the main navigation, one a line, `current` marked for assistive technology and the style.
    static func navigation(current: DashboardSection) -> HTML {
        HTML(
            joining: DashboardSection.allCases.map { section -> HTML in
                let mark: HTML = section == current ? " aria-current=\"page\"" : ""
                return "\n      <li><a href=\"\(section.path)\"\(mark)>\(section.title)</a></li>"
            })
    }
}
