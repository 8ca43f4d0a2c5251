import Foundation
import Hummingbird
import Mustache

/// The dashboard's templates (`Resources/Dashboard/templates`, swift-mustache: `{{value}}` is HTML-escaped) and
/// its stylesheet and script, loaded once at start-up. A page is a template and one typed view model.
struct DashboardPages: Sendable {
    let library: MustacheLibrary
    let stylesheet: ByteBuffer
    let script: ByteBuffer

    /// Reads every `*.mustache` under the templates folder; a template that does not parse stops the server at
    /// start-up, naming the file, rather than failing a page later.
    init() throws {
        guard let root = Bundle.module.resourceURL?.appendingPathComponent("Dashboard") else {
            throw MissingResource(name: "Dashboard")
        }
        var library = MustacheLibrary()
        let templates = root.appendingPathComponent("templates")
        for name in try FileManager.default.contentsOfDirectory(atPath: templates.path).sorted()
        where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: templates.appendingPathComponent(name), encoding: .utf8)
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        self.library = library
        self.stylesheet = ByteBuffer(data: try Data(contentsOf: root.appendingPathComponent("static/app.css")))
        self.script = ByteBuffer(data: try Data(contentsOf: root.appendingPathComponent("static/app.js")))
    }

    struct MissingResource: Error, CustomStringConvertible {
        var name: String
        var description: String { "The server's \(self.name) resources are missing from its bundle." }
    }

    /// The page as an HTML answer.
    func render(_ template: String, _ model: some Sendable, status: HTTPResponse.Status = .ok) -> Response {
        let html = self.library.render(model, withTemplate: template) ?? "Template \(template) is missing."
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
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
