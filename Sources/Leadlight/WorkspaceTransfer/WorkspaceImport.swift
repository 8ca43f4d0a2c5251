import Foundation
import SQLKit
import Synchronization

/// `leadlight workspace import`: loads a file `WorkspaceExport` wrote into this database, as it was, ids and all,
/// in one transaction: all of it, or (for any reason, each said with its line) nothing.
///
/// It refuses a workspace whose agent id or id this database already has, a login email it already has, records
/// out of the export's order (on SQLite, an event inserted after its endpoint would queue its delivery again), a
/// column this database does not have, a value of the wrong kind, and a file without its last line (cut short).
package struct WorkspaceImport: Sendable {
    package let database: LeadlightDatabase

    package init(database: LeadlightDatabase) {
        self.database = database
    }

    /// Why nothing was imported, with the file's line when one is to blame.
    package struct Refused: Error, CustomStringConvertible {
        package var line: Int?
        package var reason: String
        package var description: String { self.line.map { "line \($0): \(self.reason)" } ?? self.reason }
    }

    package struct Imported: Sendable {
        package var agentID: String
        package var workspaceID: String
        package var records: Int
    }

    /// The longest line read: a listing photo of 10 MB is 14 MB in base64.
    static let maximumLineBytes = 64 << 20

    package func load(from path: String) async throws -> Imported {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Refused(reason: "cannot read \(path)")
        }
        defer { try? handle.close() }
        let lines = JSONLines(handle: handle, maximumLineBytes: Self.maximumLineBytes)
        var columns: [String: [String: TransferredTable.Kind]] = [:]
        for table in TransferredTable.all {
            columns[table.name] = Dictionary(
                uniqueKeysWithValues: try await table.columns(in: self.database.sql).map { ($0.name, $0.kind) })
        }
        return try await self.database.transaction { [columns] tx in
            var loader = Loader(database: tx, lines: lines, columns: columns)
            return try await loader.run()
        }
    }

    /// Reads the file's lines and inserts their records, in the transaction.
    private struct Loader {
        let database: any SQLDatabase
        let lines: JSONLines
        let columns: [String: [String: TransferredTable.Kind]]
        var table = 0
        var records = 0
        var workspace: (agentID: String, id: String)?

        init(database: any SQLDatabase, lines: JSONLines, columns: [String: [String: TransferredTable.Kind]]) {
            self.database = database
            self.lines = lines
            self.columns = columns
        }

        mutating func run() async throws -> Imported {
            let header = try self.next(required: "the file is empty")
            guard header.value["type"]?.text == WorkspaceExport.fileType else {
                throw Refused(line: header.number, reason: "not a Leadlight workspace export")
            }
            guard header.value["version"]?.integer == Int64(WorkspaceExport.version) else {
                throw Refused(line: header.number, reason: "an export of a version this server does not read")
            }
            while true {
                let line = try self.next(required: "the file ends without its last line: it was cut short")
                guard let type = line.value["type"]?.text else {
                    throw Refused(line: line.number, reason: "a line without its type")
                }
                if type == WorkspaceExport.endType {
                    return try self.finish(line)
                }
                guard let index = TransferredTable.all.firstIndex(where: { $0.name == type }) else {
                    throw Refused(line: line.number, reason: "\(type) records are not part of a workspace")
                }
                guard index >= self.table else {
                    throw Refused(
                        line: line.number,
                        reason: "a \(type) record after \(TransferredTable.all[self.table].name) records: "
                            + "records must come in the export's order")
                }
                guard case .object(let members) = line.value["record"] else {
                    throw Refused(line: line.number, reason: "a \(type) line without its record")
                }
                self.table = index
                try await self.insert(members, into: TransferredTable.all[index], line: line.number)
                self.records += 1
            }
        }

        private mutating func finish(_ line: (number: Int, value: JSONValue)) throws -> Imported {
            guard let workspace = self.workspace else {
                throw Refused(line: line.number, reason: "the file holds no workspace")
            }
            guard line.value["records"]?.integer == Int64(self.records) else {
                throw Refused(line: line.number, reason: "the file's last line counts other records than it holds")
            }
            if let extra = try self.lines.next() {
                throw Refused(line: extra.number, reason: "more after the file's last line")
            }
            return Imported(agentID: workspace.agentID, workspaceID: workspace.id, records: self.records)
        }

        private mutating func insert(
            _ members: [(key: String, value: JSONValue)], into table: TransferredTable, line: Int
        ) async throws {
            let kinds = self.columns[table.name] ?? [:]
            var names: [String] = []
            var values: [any SQLExpression] = []
            for (name, value) in members {
                guard let kind = kinds[name] else {
                    throw Refused(line: line, reason: "\(table.name) has no column \(name) in this database")
                }
                guard let bound = Self.bind(value, as: kind) else {
                    throw Refused(line: line, reason: "\(table.name).\(name) is not \(kind)")
                }
                names.append(name)
                values.append(bound)
            }
            let record = Dictionary(members, uniquingKeysWith: { $1 })
            try await self.check(record, of: table, line: line)
            let conflict: SQLQueryString = table.mayExist ? " ON CONFLICT DO NOTHING" : ""
            do {
                try await self.database.raw(
                    """
                    INSERT INTO \(ident: table.name) (\(SQLList(names.map { SQLIdentifier($0) })))
                    VALUES (\(SQLList(values)))\(conflict)
                    """
                ).run()
            } catch {
                throw Refused(
                    line: line, reason: "the \(table.name) record cannot be stored: \(String(reflecting: error))")
            }
        }

        /// The workspace comes first and once, under an agent id and id this database does not have; a login's
        /// email is new here.
        private mutating func check(_ record: [String: JSONValue], of table: TransferredTable, line: Int) async throws {
            switch table.name {
            case "workspaces":
                guard self.workspace == nil, let id = record["id"]?.text, let agentID = record["agent_id"]?.text
                else {
                    throw Refused(line: line, reason: "a workspace record without its id and agent_id, or a second one")
                }
                let taken = try await self.database.raw(
                    "SELECT id FROM workspaces WHERE agent_id = \(bind: agentID) OR id = \(bind: id)"
                ).first()
                guard taken == nil else {
                    throw Refused(
                        line: line, reason: "this database already has the workspace \(agentID) (or its id \(id))")
                }
                self.workspace = (agentID, id)
            case _ where self.workspace == nil:
                throw Refused(line: line, reason: "a \(table.name) record before the workspace's")
            case "users":
                if let email = record["email"]?.text,
                    try await self.database.raw("SELECT id FROM users WHERE email = \(bind: email)").first() != nil
                {
                    throw Refused(line: line, reason: "this database already has a login with the email \(email)")
                }
            default: break
            }
            if let owner = record["workspace_id"]?.text, owner != self.workspace?.id {
                throw Refused(line: line, reason: "a \(table.name) record of another workspace (\(owner))")
            }
        }

        /// The value as the column takes it; nil when it is of another kind.
        private static func bind(_ value: JSONValue, as kind: TransferredTable.Kind) -> (any SQLExpression)? {
            switch (kind, value) {
            case (_, .null): return SQLLiteral.null
            case (.text, .string(let text)): return SQLBind(text)
            case (.integer, .number(let text)): return Int64(text).map { SQLBind($0) }
            case (.boolean, .bool(let flag)): return SQLBind(flag)
            case (.bytes, .string(let base64)): return Data(base64Encoded: base64).map { SQLBind($0) }
            case (.real, .number(let text)): return Double(text).map { SQLBind($0) }
            default: return nil
            }
        }

        private func next(required reason: String) throws -> (number: Int, value: JSONValue) {
            guard let line = try self.lines.next() else { throw Refused(line: nil, reason: reason) }
            return line
        }
    }
}

extension JSONValue {
    fileprivate var text: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    fileprivate var integer: Int64? {
        guard case .number(let text) = self else { return nil }
        return Int64(text)
    }
}

/// A file's lines, each read as one JSON value, a chunk of the file at a time: the file is never held whole.
final class JSONLines: Sendable {
    private struct State {
        var buffer: [UInt8] = []
        var start = 0
        var number = 0
        var ended = false
    }
    private let handle: FileHandle
    private let maximumLineBytes: Int
    private let state = Mutex(State())

    init(handle: FileHandle, maximumLineBytes: Int) {
        self.handle = handle
        self.maximumLineBytes = maximumLineBytes
    }

    /// The next line that is not blank, with its number (the first line is 1); nil at the end of the file.
    func next() throws -> (number: Int, value: JSONValue)? {
        try self.state.withLock { state in
            while true {
                if let newline = state.buffer[state.start...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = state.buffer[state.start..<newline]
                    state.start = newline + 1
                    state.number += 1
                    if let value = try Self.parse(line, number: state.number) { return (state.number, value) }
                    continue
                }
                guard state.buffer.count - state.start <= self.maximumLineBytes else {
                    throw WorkspaceImport.Refused(
                        line: state.number + 1, reason: "a line longer than \(self.maximumLineBytes >> 20) MiB")
                }
                if state.ended {
                    guard state.start < state.buffer.count else { return nil }
                    let line = state.buffer[state.start...]
                    state.start = state.buffer.count
                    state.number += 1
                    if let value = try Self.parse(line, number: state.number) { return (state.number, value) }
                    return nil
                }
                state.buffer.removeFirst(state.start)
                state.start = 0
                let chunk = try self.handle.read(upToCount: 1 << 16) ?? Data()
                if chunk.isEmpty { state.ended = true } else { state.buffer += chunk }
            }
        }
    }

    /// nil for a blank line.
    private static func parse(_ line: ArraySlice<UInt8>, number: Int) throws -> JSONValue? {
        let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        guard trimmed.contains(where: { ![0x20, 0x09].contains($0) }) else { return nil }
        do {
            return try trimmed.withUnsafeBytes { try JSONValue.document($0).root }
        } catch {
            throw WorkspaceImport.Refused(line: number, reason: "not JSON (\(error))")
        }
    }
}
