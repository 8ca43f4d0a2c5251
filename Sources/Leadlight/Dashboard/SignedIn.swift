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
    struct Link: Sendable {
        var text: String
        var href: String
        var current: Bool
    }

    var workspaceName: String
    var csrfToken: String
    var navigation: [Link]
}

extension DashboardLayout {
    init(session: DashboardSession, workspace: Workspace, section: DashboardSection) {
        self.workspaceName = workspace.name
        self.csrfToken = session.csrfToken
        self.navigation = DashboardSection.allCases.map {
            Link(text: $0.title, href: $0.path, current: $0 == section)
        }
    }
}
