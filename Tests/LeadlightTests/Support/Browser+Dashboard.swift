import Foundation
import HummingbirdTesting
import Synchronization
import Testing

@testable import Leadlight

extension Browser {
    /// Signs in through the form, as a person does.
    func signIn(at baseURL: String, _ email: String, _ password: String = "correct horse battery") async throws {
        try await self.open("\(baseURL)/login")
        try await self.fill("Email", with: email)
        try await self.fill("Password", with: password)
        try await self.click("Sign in")
    }

    /// axe-core's serious and critical violations on the page, one line each (empty when there are none).
    func accessibilityViolations() async throws -> [String] {
        try await self.run(try Axe.source())
        let script = """
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']}).then(result => done(result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
              .catch(error => done(['axe failed: ' + error]));
            """
        return try await self.runAsync(script) as? [String] ?? ["axe answered nothing"]
    }

    /// Saves the page as `docs/screenshots/NAME.png` when `LEADLIGHT_SCREENSHOTS` names that folder.
    func screenshot(named name: String) async throws {
        guard let folder = ProcessInfo.processInfo.environment["LEADLIGHT_SCREENSHOTS"] else { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try await self.screenshot().write(to: URL(fileURLWithPath: folder).appendingPathComponent("\(name).png"))
    }
}

/// axe-core, from the `axe-playwright-python` wheel (`.ci/run` installs it): `LEADLIGHT_AXE_JS` or found
/// through python3.
enum Axe {
    static func source() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["LEADLIGHT_AXE_JS"] { return try String(contentsOfFile: path, encoding: .utf8) }
        let cached = Self.located.withLock { $0 }
        if let cached { return cached }
        let task = Process()
        task.executableURL = URL(fileURLWithPath: ExternalTool.find("python3") ?? "/usr/bin/python3")
        task.arguments = [
            "-c",
            "import axe_playwright_python, os; print(os.path.join(os.path.dirname(axe_playwright_python.__file__), 'axe.min.js'))",
        ]
        let pipe = Pipe()
        task.standardOutput = pipe
        task.standardError = FileHandle.nullDevice
        try task.run()
        task.waitUntilExit()
        let path = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard task.terminationStatus == 0, let source = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ExternalTool.Missing(name: "axe-core (pip install axe-playwright-python)")
        }
        Self.located.withLock { $0 = source }
        return source
    }

    private static let located = Mutex<String?>(nil)
}

/// A live server on 127.0.0.1 and a fresh SQLite file, one workspace in it, and a browser: the frame of every
/// dashboard browser test.
struct LiveDashboard {
    let baseURL: String
    let workspace: WorkspaceProvisioner.Provisioned
    let seed: TestSeed
    let client: any TestClientProtocol
    let browser: Browser

    var key: String { self.workspace.apiKey.value }

    static func run(
        _ database: TestDatabase = .sqlite,
        configure: (inout LeadlightConfiguration) -> Void = { _ in },
        _ body: @Sendable (LiveDashboard) async throws -> Void
    ) async throws {
        try await withTestApp(database, configure: configure) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.live) { client in
                let port = try #require(client.port)
                try await Browser.with { browser in
                    try await body(
                        LiveDashboard(
                            baseURL: "http://127.0.0.1:\(port)", workspace: workspace, seed: seed, client: client,
                            browser: browser))
                }
            }
        }
    }

    /// Signs the browser in as the workspace's owner.
    func signIn() async throws {
        try await self.browser.signIn(at: self.baseURL, self.workspace.owner.email)
    }

    func open(_ path: String) async throws {
        try await self.browser.open(self.baseURL + path)
    }
}
