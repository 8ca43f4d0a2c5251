import Foundation

/// Where the data lives, parsed from `--database-url` / `LEADLIGHT_DATABASE_URL`.
///
/// `postgres://…` and `postgresql://…` select PostgreSQL; anything else is a SQLite file path
/// (a `sqlite://` or `file:` prefix is accepted and stripped). The default is `./leadlight.sqlite`.
package enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    package static let defaultSQLitePath = "leadlight.sqlite"

    package init(_ text: String?) {
        let text = text?.trimmingCharacters(in: .whitespaces) ?? ""
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if text.isEmpty {
            self = .sqlite(path: Self.defaultSQLitePath)
        } else if lowered.hasPrefix("sqlite://") {
            self = .sqlite(path: String(text.dropFirst("sqlite://".count)))
        } else if lowered.hasPrefix("file:") {
            self = .sqlite(path: URL(string: text)?.path ?? String(text.dropFirst("file:".count)))
        } else {
            self = .sqlite(path: text)
        }
    }

    /// Safe to print: a PostgreSQL password is masked.
    package var description: String {
        switch self {
        case .sqlite(let path):
            return "SQLite file \(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "PostgreSQL" }
            if components.password != nil { components.password = "***" }
            return "PostgreSQL \(components.string ?? "")"
        }
    }
}
