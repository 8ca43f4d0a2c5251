import Foundation
import Hummingbird
import NIOCore

/// `POST /api/v1/products/import`, `/leads/import` and `/clients/import` (the body is the CSV file), and
/// `/api/v1/imports`: the workspace's imports and each one's error file.
struct ImportsController {
    let operations: CSVImportOperations

    var routes: RouteCollection<APIContext> {
        RouteCollection(context: APIContext.self)
            .get(use: self.list)
            .get("{id}", use: self.show)
            .get("{id}/errors.csv", use: self.errorFile)
    }

    /// Content types a CSV file is sent with (Windows names `.csv` files after Excel).
    static let csvTypes: Set<String> = ["text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"]

    /// 200 when every line went in, 207 when some failed (each with its line and reasons), 400 for a file with no
    /// usable header row.
    func importOfferings(_ request: Request, context: APIContext) async throws -> Response {
        try await self.runImport(.offerings, request, context: context)
    }

    /// The same for a contact list: each row finds its lead by email, else by phone, and is never made twice.
    func importLeads(_ request: Request, context: APIContext) async throws -> Response {
        try await self.runImport(.leads, request, context: context)
    }

    func importClients(_ request: Request, context: APIContext) async throws -> Response {
        try await self.runImport(.clients, request, context: context)
    }

    private func runImport(_ kind: ImportKind, _ request: Request, context: APIContext) async throws -> Response {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard let mediaType, Self.csvTypes.contains(mediaType) else {
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported_media_type",
                message: "Send the CSV file as the body with the header Content-Type: text/csv.")
        }
        guard let key = context.apiKey else { throw APIError.unauthorized("An API key is required.") }
        let parameters = request.uri.queryParameters
        var importRequest = CSVImportOperations.Request(
            kind: kind, origin: .api, startedBy: "API key “\(key.name)”",
            fileName: parameters["fileName"].map { String($0.prefix(255)) })
        importRequest.dryRun = try Self.flag(parameters["dryRun"], name: "dryRun")
        importRequest.delimiter = try Self.delimiter(parameters["delimiter"])
        let workspace = try await WorkspaceStore(database: self.operations.database.sql).require(key.workspaceID)
        let report: CSVImportOperations.Report
        do {
            report = try await self.operations.run(
                LimitedBody(body: request.body, limit: context.maxRequestBodyBytes), importRequest, in: workspace)
        } catch let refused as CSVImportOperations.Refused {
            throw APIError(status: .badRequest, code: "unusable_file", message: refused.description)
        }
        let answer = ImportsAPI.ImportResult(report)
        var response = try answer.response(from: request, context: context)
        if !answer.success { response.status = .init(code: 207, reasonPhrase: "Multi-Status") }
        return response
    }

    func list(_ request: Request, context: APIContext) async throws -> ImportsAPI.ImportList {
        let records = try await ImportStore(database: self.operations.database.sql).latest(
            100, in: try context.workspaceID)
        return ImportsAPI.ImportList(imports: records.map(ImportsAPI.ImportBody.init))
    }

    func show(_ request: Request, context: APIContext) async throws -> ImportsAPI.ImportBody {
        ImportsAPI.ImportBody(try await self.record(request, context: context))
    }

    /// The failed lines as CSV (`ImportErrorFile`).
    func errorFile(_ request: Request, context: APIContext) async throws -> Response {
        ImportErrorFile.response(
            for: try await self.record(request, context: context), database: self.operations.database)
    }

    private func record(_ request: Request, context: APIContext) async throws -> ImportRecord {
        let id = try context.parameters.require("id", as: ImportRecord.ID.self)
        guard
            let record = try await ImportStore(database: self.operations.database.sql).find(
                id, in: try context.workspaceID)
        else { throw APIError.notFound("import") }
        return record
    }

    private static func flag(_ value: Substring?, name: String) throws -> Bool {
        switch value?.lowercased() {
        case nil, "false", "0": return false
        case "true", "1", "": return true
        default: throw APIError.badRequest("\(name) must be true or false.", code: "invalid_parameter")
        }
    }

    private static func delimiter(_ value: Substring?) throws -> UInt8? {
        guard let value else { return nil }
        guard let delimiter = CSVParser.delimiter(named: String(value)) else {
            throw APIError.badRequest("delimiter must be comma, semicolon or tab.", code: "invalid_parameter")
        }
        return delimiter
    }
}

/// A request body that fails once it passes `limit` bytes: the import records it as cut off.
struct LimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let body: RequestBody
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        var total = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await self.base.next() else { return nil }
            self.total += chunk.readableBytes
            guard self.total <= self.limit else { throw APIError.payloadTooLarge(limit: self.limit) }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.body.makeAsyncIterator(), limit: self.limit)
    }
}
