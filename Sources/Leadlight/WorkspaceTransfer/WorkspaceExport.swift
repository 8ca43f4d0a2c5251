import Foundation
import SQLKit
import Synchronization

/// `leadlight workspace export`: everything of one workspace as JSON lines, one record a line, to load into
/// another database with `WorkspaceImport`.
///
/// The first line says what the file is; then each row of each `TransferredTable`, in that order, as
/// `{"type":"<table>","record":{<column>: <value>, …}}` (texts as strings, numbers as numbers, booleans as
/// booleans, bytes in base64); the last line counts the records, so a file cut short is known for one. The rows
/// are read in one snapshot, consistent while a server goes on writing, and written as they are read.
package struct WorkspaceExport: Sendable {
    package let database: LeadlightDatabase
    package let clock: WallClock

    /// The first line's `type`, and the last's.
    static let fileType = "leadlight.workspace"
    static let endType = "leadlight.workspace.end"
    static let version = 1

    package init(database: LeadlightDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    /// No workspace has this agent id.
    package struct UnknownAgent: Error, CustomStringConvertible {
        package var agentID: AgentID
        package var description: String { "no workspace has the agentId \(self.agentID)" }
    }

    /// Writes the workspace of `agentID` through `write` (chunks of whole lines); answers how many records.
    @discardableResult
    package func export(agentID: AgentID, to write: @escaping @Sendable ([UInt8]) throws -> Void) async throws -> Int {
        let now = self.clock.now
        return try await self.database.readSnapshot { snapshot in
            guard let workspace = try await WorkspaceStore(database: snapshot).find(agentID: agentID) else {
                throw UnknownAgent(agentID: agentID)
            }
            var header = JSONWriter()
            header.beginObject()
            header.write("type", Self.fileType)
            header.write("version", Self.version)
            header.write("agentId", agentID.rawValue)
            header.write("workspaceId", workspace.id.rawValue)
            header.write("exportedAt", now.formatted(.iso8601))
            header.endObject()
            try write(header.bytes + [UInt8(ascii: "\n")])
            let output = Output(write: write)
            for table in TransferredTable.all {
                let columns = try await table.columns(in: snapshot)
                try await snapshot.execute(sql: table.select(columns.map(\.name), of: workspace.id)) { row in
                    output.add { try Self.line(table.name, row, columns) }
                }
                try output.check()
            }
            var end = JSONWriter()
            end.beginObject()
            end.write("type", Self.endType)
            end.write("records", output.records)
            end.endObject()
            try output.finish(end.bytes + [UInt8(ascii: "\n")])
            return output.records
        }
    }

    private static func line(
        _ table: String, _ row: any SQLRow, _ columns: [(name: String, kind: TransferredTable.Kind)]
    )
        throws -> [UInt8]
    {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.write("type", table)
        writer.beginObject("record")
        for (name, kind) in columns {
            if try row.decodeNil(column: name) {
                writer.writeRaw(name, json: "null")
                continue
            }
            switch kind {
            case .text: writer.write(name, try row.decode(column: name, as: String.self))
            case .integer: writer.write(name, Int(try row.decode(column: name, as: Int64.self)))
            case .boolean: writer.write(name, try row.decode(column: name, as: Bool.self))
            case .bytes: writer.write(name, try row.decode(column: name, as: Data.self).base64EncodedString())
            case .real:
                let number = try row.decode(column: name, as: Double.self)
                guard number.isFinite else { throw NotFinite(table: table, column: name) }
                writer.writeRaw(name, json: "\(number)")
            }
        }
        writer.endObject()
        writer.endObject()
        return writer.bytes + [UInt8(ascii: "\n")]
    }

    struct NotFinite: Error, CustomStringConvertible {
        var table: String
        var column: String
        var description: String { "\(self.table).\(self.column) holds a number JSON cannot: not exported" }
    }

    /// Lines gathered from the rows as they arrive, written 64 KiB at a time; the first failure is kept.
    private final class Output: Sendable {
        private struct State {
            var buffer: [UInt8] = []
            var records = 0
            var failure: (any Error)?
        }
        private let state = Mutex(State())
        private let write: @Sendable ([UInt8]) throws -> Void

        init(write: @escaping @Sendable ([UInt8]) throws -> Void) { self.write = write }

        var records: Int { self.state.withLock { $0.records } }

        func add(_ line: () throws -> [UInt8]) {
            self.state.withLock { state in
                guard state.failure == nil else { return }
                do {
                    state.buffer += try line()
                    state.records += 1
                    if state.buffer.count >= 1 << 16 {
                        try self.write(state.buffer)
                        state.buffer.removeAll(keepingCapacity: true)
                    }
                } catch {
                    state.failure = error
                }
            }
        }

        func check() throws {
            if let failure = self.state.withLock({ $0.failure }) { throw failure }
        }

        func finish(_ last: [UInt8]) throws {
            try self.check()
            let rest = self.state.withLock { state in
                defer { state.buffer = [] }
                return state.buffer
            }
            try self.write(rest + last)
        }
    }
}
