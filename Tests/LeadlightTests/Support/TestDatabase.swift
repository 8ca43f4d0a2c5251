import Foundation
import Logging
import SQLKit

@testable import Leadlight

/// The databases a test runs on: SQLite always, PostgreSQL when `LEADLIGHT_TEST_POSTGRES_URL` is set.
enum TestDatabase: String, CustomStringConvertible, Sendable {
    case sqlite
    case postgres

    static let postgresURL = ProcessInfo.processInfo.environment["LEADLIGHT_TEST_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }

    /// Every parameterised suite reads this while the run is planned, before any test starts: the moment to
    /// give the process room for the descriptors the parallel tests hold.
    static var available: [TestDatabase] {
        OpenFileLimit.raise()
        return postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    var description: String { self.rawValue }

    static let logger = TestLogs.makeLogger()

    /// A fresh, empty database of this kind for one test: a new SQLite file, or a new PostgreSQL database.
    /// It is removed when `body` returns.
    func withFreshLocation<T>(_ body: (DatabaseLocation) async throws -> T) async throws -> T {
        OpenFileLimit.raise()
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "leadlight-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            return try await body(.sqlite(path: directory.appendingPathComponent("test.sqlite").path))
        case .postgres:
            guard let adminURL = Self.postgresURL else { throw TestSkipped.noPostgres }
            let name = "leadlight_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            try await Self.admin(adminURL, "CREATE DATABASE \(name)")
            do {
                let result = try await body(.postgres(url: Self.url(adminURL, database: name)))
                try? await Self.admin(adminURL, "DROP DATABASE \(name) WITH (FORCE)")
                return result
            } catch {
                try? await Self.admin(adminURL, "DROP DATABASE \(name) WITH (FORCE)")
                throw error
            }
        }
    }

    /// The admin URL with another database name in its path.
    static func url(_ adminURL: String, database: String) -> String {
        var components = URLComponents(string: adminURL)!
        components.path = "/\(database)"
        return components.string!
    }

    private static func admin(_ adminURL: String, _ statement: String) async throws {
        try await LeadlightDatabase.withOpen(.postgres(url: adminURL), logger: Self.logger) { database in
            try await database.sql.raw(SQLQueryString(statement)).run()
        }
    }

    enum TestSkipped: Error { case noPostgres }
}

extension DatabaseLocation {
    /// The location as `--database-url` / `LEADLIGHT_DATABASE_URL` takes it, for a child process.
    var databaseURL: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url
        }
    }
}
