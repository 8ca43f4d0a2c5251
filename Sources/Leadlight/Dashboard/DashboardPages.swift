import Foundation
import Hummingbird
import Mustache

/// An optional seen as `Any`, so the view-model tree can look inside without a `Mirror`.
private protocol OptionalValue {
    var wrapped: Any? { get }
}

extension Optional: OptionalValue {
    fileprivate var wrapped: Any? { self.map { $0 } }
}

/// The server's HTML: the dashboard's templates (`Resources/Dashboard/templates`) and the public site's
/// (`Resources/PublicSite/templates`, named `site-…`), in one library so both share partials such as `field`
/// (swift-mustache: `{{value}}` is HTML-escaped), and their stylesheets and the dashboard's script, loaded
/// once at start-up. A page is a template and one typed view model.
struct DashboardPages: Sendable {
    let library: MustacheLibrary
    let stylesheet: ByteBuffer
    let script: ByteBuffer
    let siteStylesheet: ByteBuffer

    /// The pages, read and parsed once a process: every application built in it shares them. (The test suite
    /// builds hundreds at once, and parsing the templates for each held Swift's shared executor for seconds.)
    static func load() throws -> DashboardPages {
        try Self.loaded.get()
    }

    private static let loaded = Result { try DashboardPages() }

    /// Reads every `*.mustache` under the templates folder; a template that does not parse stops the server at
    /// start-up, naming the file, rather than failing a page later.
    private init() throws {
        guard let resources = Bundle.module.resourceURL else { throw MissingResource(name: "Dashboard") }
        let root = resources.appendingPathComponent("Dashboard")
        let site = resources.appendingPathComponent("PublicSite")
        var library = MustacheLibrary()
        // Every template (and so every partial and layout, which swift-mustache renders with its own HTML
        // escaping unless told otherwise) escapes as `HTMLEscaping` does: the pragma is put before its text.
        MustacheContentTypes.register(HTMLEscaping(), named: HTMLEscaping.name)
        for templates in [root, site].map({ $0.appendingPathComponent("templates") }) {
            for name in try FileManager.default.contentsOfDirectory(atPath: templates.path).sorted()
            where name.hasSuffix(".mustache") {
                let text = try String(contentsOf: templates.appendingPathComponent(name), encoding: .utf8)
                try library.register(
                    "{{% CONTENT_TYPE: \(HTMLEscaping.name)}}" + text, named: String(name.dropLast(".mustache".count)))
            }
        }
        self.library = library
        self.stylesheet = ByteBuffer(data: try Data(contentsOf: root.appendingPathComponent("static/app.css")))
        self.script = ByteBuffer(data: try Data(contentsOf: root.appendingPathComponent("static/app.js")))
        self.siteStylesheet = ByteBuffer(data: try Data(contentsOf: site.appendingPathComponent("static/site.css")))
    }

    struct MissingResource: Error, CustomStringConvertible {
        var name: String
        var description: String { "The server's \(self.name) resources are missing from its bundle." }
    }

    /// The page as an HTML answer.
    func render(_ template: String, _ model: some Sendable, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: self.html(template, model))))
    }

    /// The page's HTML.
    func html(_ template: String, _ model: some Sendable) -> String {
        self.library.render(Self.tree(of: model), withTemplate: template) ?? "Template \(template) is missing."
    }

    /// The view model as dictionaries, arrays and plain values, read by reflection once. swift-mustache looks
    /// each `{{name}}` up with a fresh `Mirror` of every value on its context stack, which made the pipeline
    /// board (350 cards, 7 options each) take 190 ms; a dictionary lookup is cheap. A nil optional is left out,
    /// so a lookup goes on to the enclosing values exactly as it did on the struct. A value that answers
    /// lookups itself (`MustacheParent`), and `HTML`, are kept as they are.
    static func tree(of value: Any) -> Any {
        if value is String || value is Int || value is Bool || value is any MustacheParent || value is HTML {
            return value
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct, .class:
            var object: [String: Any] = [:]
            object.reserveCapacity(mirror.children.count)
            for child in mirror.children {
                guard let label = child.label else { continue }
                if let optional = child.value as? any OptionalValue {
                    guard let wrapped = optional.wrapped else { continue }
                    object[label] = Self.tree(of: wrapped)
                } else {
                    object[label] = Self.tree(of: child.value)
                }
            }
            return object
        case .collection:
            return mirror.children.map { Self.tree(of: $0.value) }
        case .optional:
            return mirror.children.first.map { Self.tree(of: $0.value) } ?? value
        default:
            return value
        }
    }

    /// The stylesheet or the script, cacheable for an hour.
    static func asset(_ body: ByteBuffer, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: body))
    }

    /// `303 See Other` to `location` (after a form: POST-redirect-GET).
    static func redirect(to location: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}
