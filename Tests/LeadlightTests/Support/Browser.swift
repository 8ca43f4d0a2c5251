import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#endif

/// A real Chromium, headless, driven over WebDriver by Debian's `chromedriver` on 127.0.0.1: the dashboard's
/// browser tests click, type and read pages as a person would. A small client of our own (the W3C WebDriver
/// protocol is JSON over HTTP), so the tests stay in `swift test`. Without `chromedriver` the tests are skipped,
/// unless `LEADLIGHT_TEST_REQUIRE_TOOLS=1` (`.ci/run`, which installs it) makes that a failure.
struct Browser: Sendable {
    let endpoint: String
    let session: String
    let http: HTTPClient

    static var available: Bool { ExternalTool.required || ExternalTool.find("chromedriver") != nil }

    /// A page element, as WebDriver names it.
    struct Element: Sendable {
        let id: String
        static let key = "element-6066-11e4-a52e-4f735466cecf"
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts chromedriver and a browser, runs `body`, then ends both. On a failure the page's screenshot and
    /// source are left in the temporary folder, named in the error.
    static func with<T: Sendable>(_ body: (Browser) async throws -> T) async throws -> T {
        guard let driver = ExternalTool.find("chromedriver") else { throw ExternalTool.Missing(name: "chromedriver") }
        let port = try LoopbackAddress.freePort()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("chromedriver-\(port).log")
        let process = try ChildProcess.spawn(
            driver, ["--port=\(port)", "--allowed-ips=127.0.0.1"],
            environment: ProcessInfo.processInfo.environment, stdout: .file(log), stderr: .file(log))
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let endpoint = "http://127.0.0.1:\(port)"
            try await Self.waitUntilReady(endpoint, http: http)
            let browser = try await Self.newSession(endpoint, http: http)
            do {
                let result = try await body(browser)
                try? await browser.end()
                try await Self.finish(process, http)
                return result
            } catch {
                let saved = await browser.saveEvidence()
                try? await browser.end()
                try await Self.finish(process, http)
                throw Failure(description: "\(error)\n\(saved)")
            }
        } catch {
            try? await Self.finish(process, http)
            throw error
        }
    }

    private static func finish(_ process: ChildProcess, _ http: HTTPClient) async throws {
        process.signal(SIGTERM)
        _ = await process.exitStatus()
        try await http.shutdown()
    }

    private static func waitUntilReady(_ endpoint: String, http: HTTPClient) async throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let status = try? await Self.call(http, .GET, "\(endpoint)/status", nil),
                (status["ready"] as? Bool) == true
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "chromedriver did not start on \(endpoint)")
    }

    private static func newSession(_ endpoint: String, http: HTTPClient) async throws -> Browser {
        let binary = ExternalTool.find("chromium") ?? "/usr/bin/chromium"
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": binary,
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--window-size=1280,900", "--no-first-run", "--disable-extensions",
                        ],
                    ],
                ]
            ]
        ]
        let value = try await Self.call(http, .POST, "\(endpoint)/session", capabilities)
        guard let session = value["sessionId"] as? String else {
            throw Failure(description: "no WebDriver session: \(value)")
        }
        return Browser(endpoint: endpoint, session: session, http: http)
    }

    /// One WebDriver command; its `value`, or the error WebDriver answered.
    @discardableResult
    private static func call(_ http: HTTPClient, _ method: HTTPMethod, _ url: String, _ body: Any?) async throws
        -> [String: Any]
    {
        let any = try await Self.callAny(http, method, url, body)
        return any as? [String: Any] ?? ["value": any as Any]
    }

    private static func callAny(_ http: HTTPClient, _ method: HTTPMethod, _ url: String, _ body: Any?) async throws
        -> Any?
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let json = try JSONSerialization.jsonObject(with: Data(buffer: bytes), options: .fragmentsAllowed)
        let value = (json as? [String: Any])?["value"]
        if response.status.code >= 400 {
            let error = value as? [String: Any]
            throw WebDriverError(
                error: error?["error"] as? String ?? "unknown", message: error?["message"] as? String ?? "")
        }
        return value is NSNull ? nil : value
    }

    struct WebDriverError: Error, CustomStringConvertible {
        var error: String
        var message: String
        var description: String { "WebDriver \(self.error): \(self.message.prefix(400))" }
    }

    private func command(_ method: HTTPMethod, _ path: String, _ body: Any? = nil) async throws -> Any? {
        try await Self.callAny(
            self.http, method, "\(self.endpoint)/session/\(self.session)\(path)",
            body ?? (method == .POST ? [String: Any]() : nil))
    }

    func end() async throws {
        _ = try await self.command(.DELETE, "")
    }

    // MARK: pages

    func open(_ url: String) async throws {
        _ = try await self.command(.POST, "/url", ["url": url])
    }

    var url: String {
        get async throws { try await self.command(.GET, "/url") as? String ?? "" }
    }

    var source: String {
        get async throws { try await self.command(.GET, "/source") as? String ?? "" }
    }

    var title: String {
        get async throws { try await self.command(.GET, "/title") as? String ?? "" }
    }

    /// The visible text of the page's body.
    var text: String {
        get async throws { try await self.run("return document.body.innerText;") as? String ?? "" }
    }

    /// Runs `script` in the page (arguments as `arguments[0]`…; elements are passed and returned as elements).
    @discardableResult
    func run(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await self.command(.POST, "/execute/sync", ["script": script, "args": arguments.map(Self.wire)])
    }

    /// Runs `script`, which calls `arguments[arguments.length - 1]` with its result when it is done.
    func runAsync(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await self.command(.POST, "/execute/async", ["script": script, "args": arguments.map(Self.wire)])
    }

    private static func wire(_ argument: Any) -> Any {
        if let element = argument as? Element { return [Element.key: element.id] }
        return argument
    }

    /// The page as a phone shows it: a viewport `width` CSS pixels wide (Chrome's device emulation).
    func emulateViewport(width: Int, height: Int) async throws {
        _ = try await self.command(
            .POST, "/goog/cdp/execute",
            [
                "cmd": "Emulation.setDeviceMetricsOverride",
                "params": ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": true],
            ])
    }

    /// The text of an open `alert()`, nil when none is open.
    func alertText() async throws -> String? {
        do {
            return try await self.command(.GET, "/alert/text") as? String
        } catch let error as WebDriverError where error.error == "no such alert" {
            return nil
        }
    }

    func screenshot() async throws -> Data {
        let base64 = try await self.command(.GET, "/screenshot") as? String ?? ""
        return Data(base64Encoded: base64) ?? Data()
    }

    private func saveEvidence() async -> String {
        let stem = FileManager.default.temporaryDirectory.appendingPathComponent("browser-\(UUID().uuidString)")
        let url = (try? await self.url) ?? "?"
        try? (try? await self.screenshot())?.write(to: stem.appendingPathExtension("png"))
        try? (try? await self.source)?.write(to: stem.appendingPathExtension("html"), atomically: true, encoding: .utf8)
        return "browser was at \(url); screenshot and source: \(stem.path).{png,html}"
    }

    // MARK: elements

    func find(_ css: String) async throws -> Element {
        let value = try await self.command(.POST, "/element", ["using": "css selector", "value": css])
        guard let id = (value as? [String: Any])?[Element.key] as? String else {
            throw Failure(description: "no element \(css)")
        }
        return Element(id: id)
    }

    func findAll(_ css: String) async throws -> [Element] {
        let value = try await self.command(.POST, "/elements", ["using": "css selector", "value": css])
        return (value as? [[String: Any]] ?? []).compactMap { ($0[Element.key] as? String).map(Element.init(id:)) }
    }

    /// The form control whose `<label>` reads `label`, as a person finds a field.
    func field(_ label: String) async throws -> Element {
        let script = """
            const label = [...document.querySelectorAll('label')].find(l => l.textContent.trim() === arguments[0]);
            return label ? label.control : null;
            """
        guard let value = try await self.run(script, [label]) as? [String: Any], let id = value[Element.key] as? String
        else { throw Failure(description: "no field labelled \(label)") }
        return Element(id: id)
    }

    /// The button or link whose text is `text`.
    func control(_ text: String, within css: String = "body") async throws -> Element {
        let script = """
            const root = document.querySelector(arguments[1]);
            const all = root ? [...root.querySelectorAll('button, a, input[type=submit]')] : [];
            return all.find(e => (e.textContent || e.value || '').trim() === arguments[0]) || null;
            """
        guard let value = try await self.run(script, [text, css]) as? [String: Any],
            let id = value[Element.key] as? String
        else { throw Failure(description: "no button or link \(text) in \(css)") }
        return Element(id: id)
    }

    func click(_ element: Element) async throws {
        _ = try await self.command(.POST, "/element/\(element.id)/click")
    }

    /// Clicks the button or link reading `text` and waits for the next page.
    func click(_ text: String, within css: String = "body") async throws {
        let element = try await self.control(text, within: css)
        try await self.run("window.__leadlightOldPage = true;")
        try await self.click(element)
        try await self.waitForPage()
    }

    func type(_ text: String, into element: Element, clearing: Bool = true) async throws {
        if clearing { _ = try await self.command(.POST, "/element/\(element.id)/clear") }
        _ = try await self.command(.POST, "/element/\(element.id)/value", ["text": text])
    }

    /// Types into the field labelled `label`.
    func fill(_ label: String, with text: String) async throws {
        try await self.type(text, into: try await self.field(label))
    }

    /// Chooses the option of a `<select>` whose text is `option`.
    func choose(_ option: String, in element: Element) async throws {
        let script = """
            const select = arguments[0];
            const found = [...select.options].find(o => o.textContent.trim() === arguments[1]);
            if (!found) { return false; }
            select.value = found.value; select.dispatchEvent(new Event('change', {bubbles: true}));
            return true;
            """
        guard try await self.run(script, [element, option]) as? Bool == true else {
            throw Failure(description: "no option \(option)")
        }
    }

    func textOf(_ element: Element) async throws -> String {
        try await self.command(.GET, "/element/\(element.id)/text") as? String ?? ""
    }

    func property(_ name: String, of element: Element) async throws -> Any? {
        try await self.command(.GET, "/element/\(element.id)/property/\(name)")
    }

    /// Presses keys (WebDriver key codes such as `\u{E004}` for Tab) on whatever has the focus.
    func press(_ keys: String) async throws {
        var actions: [[String: Any]] = []
        for key in keys.unicodeScalars {
            actions.append(["type": "keyDown", "value": String(key)])
            actions.append(["type": "keyUp", "value": String(key)])
        }
        _ = try await self.command(
            .POST, "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    static let tab = "\u{E004}"
    static let enter = "\u{E007}"

    /// Waits until the next document has loaded (after a click that navigates away from a marked page).
    func waitForPage() async throws {
        let deadline = Date().addingTimeInterval(15)
        let loaded = "return !window.__leadlightOldPage && document.readyState === 'complete';"
        while Date() < deadline {
            if try await self.run(loaded) as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "the page did not finish loading")
    }

    /// Waits until `condition` holds (for a script's effect).
    func wait(until condition: String, timeout: TimeInterval = 10) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await self.run("return !!(\(condition));") as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "timed out waiting for \(condition)")
    }

    /// True when the page is wider than its viewport (it would scroll sideways).
    var scrollsSideways: Bool {
        get async throws {
            try await self.run("return document.documentElement.scrollWidth > window.innerWidth;") as? Bool ?? true
        }
    }
}
