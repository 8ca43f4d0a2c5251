import Foundation
import Testing

/// The line between surfaces and the core, held by a test rather than by module boundaries: no HTTP controller
/// and no dashboard page writes to a store or records an event itself; they call the operations (issue 10).
/// Sessions are the dashboard's own machinery, not workspace data, so its sign-in and session middleware may.
@Suite struct OneDoorTests {
    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Leadlight")

    static let sessionMachinery: Set<String> = ["SignInController.swift", "DashboardMiddleware.swift"]

    @Test func noSurfaceWritesToAStoreOrTheOutboxDirectly() throws {
        let files = try #require(FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" }
            .filter { $0.lastPathComponent.hasSuffix("Controller.swift") || $0.path.contains("/Dashboard/") }
        #expect(files.count > 15, "the sources were found")
        for file in files where !Self.sessionMachinery.contains(file.lastPathComponent) {
            let text = try String(contentsOf: file, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let writesAStore = line.contains("Store(database: tx)")
                let recordsAnEvent = line.contains("Outbox(database")
                #expect(!writesAStore && !recordsAnEvent, "\(file.lastPathComponent): \(line)")
            }
        }
    }
}
