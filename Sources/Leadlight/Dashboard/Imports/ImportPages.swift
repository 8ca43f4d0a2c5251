import Foundation
import Hummingbird
import NIOCore

/// Offerings → Import (and Leads → Import, Clients → Import): upload a CSV file, match its columns to fields,
/// check every row (a dry run), import, and read the results with each failed line and the error file. The file
/// is streamed into the database as it is uploaded (`ImportUpload`), and every step reads it back from there, so
/// any server can take the next one; the import itself is `CSVImportOperations`, as the API's and the command
/// line's are.
struct ImportPages {
    let database: LeadlightDatabase
    let clock: WallClock
    let pages: DashboardPages
    /// `LEADLIGHT_MAX_IMPORT_BYTES`.
    let maxBytes: Int
    let metrics: ServerMetrics?

    var operations: CSVImportOperations {
        CSVImportOperations(database: self.database, clock: self.clock, metrics: self.metrics)
    }
    var uploads: ImportUploadStore { ImportUploadStore(database: self.database) }

    func addRoutes(to group: RouterGroup<APIContext>) {
        for kind in ImportKind.allCases {
            group.get("\(kind.rawValue)/import") { request, context in
                try await self.start(kind, request, context: context)
            }
            group.post("\(kind.rawValue)/import") { request, context in
                try await self.upload(kind, request, context: context)
            }
            group.get("\(kind.rawValue)/import/{upload}") { request, context in
                try await self.columns(kind, request, context: context)
            }
            group.post("\(kind.rawValue)/import/{upload}/check") { request, context in
                try await self.check(kind, request, context: context)
            }
            group.post("\(kind.rawValue)/import/{upload}/run") { request, context in
                try await self.run(kind, request, context: context)
            }
        }
        group.get("imports/{id}", use: self.result)
        group.get("imports/{id}/errors.csv", use: self.errorFile)
    }

    // MARK: upload

    struct StartPage: Sendable {
        struct Past: Sendable {
            var when: String
            var fileName: String
            var status: String
            var counts: String
            var href: String
        }

        var layout: DashboardLayout
        var kind: String
        var title: String
        var fields: String
        var error: String?
        var past: [Past]
        var hasPast: Bool
    }

    func start(_ kind: ImportKind, _ request: Request, context: APIContext) async throws -> Response {
        try await self.startPage(kind, context: try context.signedIn, error: nil)
    }

    private func startPage(
        _ kind: ImportKind, context signedIn: SignedIn, error: String?, status: HTTPResponse.Status = .ok
    )
        async throws -> Response
    {
        let past = try await ImportStore(database: self.database.sql).latest(100, in: signedIn.workspaceID)
            .filter { $0.kind == kind }.prefix(20)
        let model = StartPage(
            layout: signedIn.layout(Self.section(kind)), kind: kind.rawValue, title: kind.rawValue.capitalized,
            fields: kind.fields.joined(separator: ", "), error: error,
            past: past.map { record in
                StartPage.Past(
                    when: DashboardFormat.when(record.startedAt, in: signedIn.workspace.zone),
                    fileName: record.fileName ?? "(no name)", status: Self.statusText(record),
                    counts: Self.counts(record.summary), href: "/imports/\(record.id.rawValue)")
            }, hasPast: !past.isEmpty)
        return self.pages.render("import", model, status: status)
    }

    /// Stores the uploaded file as it arrives, then shows its columns. The form's first field is its CSRF token,
    /// checked before a byte of the file is kept (`DashboardFormGuardMiddleware` leaves this body unread).
    func upload(_ kind: ImportKind, _ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        guard let contentType = request.headers[.contentType],
            let boundary = MIMEMultipart.boundary(of: contentType, subtype: "form-data")
        else { throw HTTPError(.badRequest, message: "Send the file with the page's form.") }
        var form = MultipartFormStream(request.body, boundary: boundary)
        do {
            guard let first = try await form.nextPart(), first.name == "_csrf",
                DashboardFormGuardMiddleware.constantTimeEqual(
                    String(decoding: try await form.readValue(upTo: 256), as: UTF8.self), signedIn.session.csrfToken)
            else { throw DashboardFormGuardMiddleware.expired }
            var delimiter = ""
            while let part = try await form.nextPart() {
                switch part.name {
                case "delimiter":
                    delimiter = String(decoding: try await form.readValue(upTo: 32), as: UTF8.self)
                case "file":
                    guard let name = part.fileName, !name.isEmpty else { continue }
                    let upload = try await self.uploads.store(
                        kind: kind, fileName: String(name.prefix(255)), in: signedIn.workspaceID, at: self.clock.now,
                        maxBytes: self.maxBytes
                    ) { onPiece in try await form.readContent(onPiece) }
                    guard upload.size > 0 else {
                        try await self.uploads.delete(upload.id, in: signedIn.workspaceID)
                        return try await self.startPage(
                            kind, context: signedIn, error: "\(name) is empty.", status: .badRequest)
                    }
                    let query = Self.delimiter(delimiter).map { "?delimiter=\(CSVParser.name(of: $0))" } ?? ""
                    return DashboardPages.redirect(to: "/\(kind.rawValue)/import/\(upload.id.rawValue)\(query)")
                default:
                    _ = try await form.readValue(upTo: 1024)
                }
            }
        } catch let tooLarge as ImportUploadStore.TooLarge {
            return try await self.startPage(
                kind, context: signedIn,
                error: "The file is larger than \(tooLarge.limit / (1 << 20)) MiB, the most an import takes.",
                status: .contentTooLarge)
        } catch let malformed as MultipartFormStream<RequestBody>.Malformed {
            throw HTTPError(.badRequest, message: "The upload could not be read: \(malformed.description).")
        }
        return try await self.startPage(
            kind, context: signedIn, error: "Choose a CSV file to import.", status: .badRequest)
    }

    // MARK: columns

    struct ColumnsPage: Sendable {
        struct Column: Sendable {
            var index: Int
            var header: String
            var examples: String
            var options: [FormField.Option]
        }

        var layout: DashboardLayout
        var kind: String
        var title: String
        var fileName: String
        var size: String
        var columns: [Column]
        var delimiters: [FormField.Option]
        var action: String
        var error: String?
    }

    func columns(_ kind: ImportKind, _ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let upload = try await self.upload(request, context: context, kind: kind)
        let delimiter = Self.delimiter(request.uri.queryParameters.get("delimiter"))
        return try await self.columnsPage(upload, kind: kind, signedIn: signedIn, delimiter: delimiter, error: nil)
    }

    private func columnsPage(
        _ upload: ImportUpload, kind: ImportKind, signedIn: SignedIn, delimiter chosen: UInt8?, error: String?,
        chosenFields: [Int: String] = [:], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let (records, delimiter) = try await CSVImportOperations.firstRecords(
            of: self.uploads.content(of: upload), delimiter: chosen, count: 4)
        var error = error
        var columns: [ColumnsPage.Column] = []
        if let header = records.first, header.problem == nil {
            let matched = (try? ImportColumns(headers: header.fields, kind: kind, chosen: chosenFields))?.fields
            for (index, name) in header.fields.enumerated() {
                let field = chosenFields[index].map { $0.isEmpty ? nil : $0 } ?? matched?[index] ?? nil
                columns.append(
                    ColumnsPage.Column(
                        index: index, header: name.isEmpty ? "(column \(index + 1))" : name,
                        examples: records.dropFirst().compactMap { $0.fields.count > index ? $0.fields[index] : nil }
                            .filter { !$0.isEmpty }.map { String($0.prefix(60)) }.joined(separator: " · "),
                        options: [FormField.Option(value: "", text: "Leave out", selected: field == nil)]
                            + kind.fields.map { FormField.Option(value: $0, text: $0, selected: $0 == field) }))
            }
        } else {
            error =
                error ?? records.first.map { "The header row cannot be read: \($0.problem?.description ?? "")." }
                ?? "The file is empty."
        }
        let delimiterValue = CSVParser.name(of: delimiter ?? UInt8(ascii: ","))
        let model = ColumnsPage(
            layout: signedIn.layout(Self.section(kind)), kind: kind.rawValue, title: kind.rawValue.capitalized,
            fileName: upload.fileName ?? "(no name)",
            size: ByteCountFormatter.string(fromByteCount: Int64(upload.size), countStyle: .file),
            columns: columns,
            delimiters: [("comma", "Comma ,"), ("semicolon", "Semicolon ;"), ("tab", "Tab")].map {
                FormField.Option(value: $0.0, text: $0.1, selected: $0.0 == delimiterValue)
            },
            action: "/\(kind.rawValue)/import/\(upload.id.rawValue)", error: error)
        return self.pages.render("import-columns", model, status: status)
    }

    // MARK: check and import

    /// Checks every row with the columns as matched (a dry run: nothing written), then shows what it found.
    func check(_ kind: ImportKind, _ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let upload = try await self.upload(request, context: context, kind: kind)
        let form = try await DashboardForm(request: request, context: context)
        var chosen: [Int: String] = [:]
        for name in form.names where name.hasPrefix("column.") {
            if let index = Int(name.dropFirst("column.".count)), (0..<CSVParser.Limits().fields).contains(index) {
                chosen[index] = form[name] ?? ""
            }
        }
        let delimiter = Self.delimiter(form["delimiter"])
        do {
            let report = try await self.importFile(upload, kind: kind, signedIn: signedIn, dryRun: true) {
                $0.chosenColumns = chosen
                $0.delimiter = delimiter
            }
            return DashboardPages.redirect(to: "/imports/\(report.record.id.rawValue)")
        } catch let refused as CSVImportOperations.Refused {
            return try await self.columnsPage(
                upload, kind: kind, signedIn: signedIn, delimiter: delimiter, error: refused.description,
                chosenFields: chosen, status: .badRequest)
        }
    }

    /// Imports the file as its check read it (the same columns and delimiter), then shows the results.
    func run(_ kind: ImportKind, _ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let upload = try await self.upload(request, context: context, kind: kind)
        let form = try await DashboardForm(request: request, context: context)
        guard let checkID = form["check"].flatMap(ImportRecord.ID.init),
            let checked = try await ImportStore(database: self.database.sql).find(checkID, in: signedIn.workspaceID),
            checked.uploadID == upload.id
        else { throw HTTPError(.badRequest, message: "Check the file before importing it.") }
        var chosen: [Int: String] = [:]
        for (index, field) in checked.fields.enumerated() { chosen[index] = field ?? "" }
        do {
            let report = try await self.importFile(upload, kind: kind, signedIn: signedIn, dryRun: false) {
                $0.chosenColumns = chosen
                $0.delimiter = checked.delimiter.flatMap(CSVParser.delimiter(named:))
            }
            try await self.uploads.delete(upload.id, in: signedIn.workspaceID)
            return DashboardPages.redirect(to: "/imports/\(report.record.id.rawValue)")
        } catch let refused as CSVImportOperations.Refused {
            return DashboardPages.redirect(to: "/imports/\(refused.record.id.rawValue)")
        }
    }

    private func importFile(
        _ upload: ImportUpload, kind: ImportKind, signedIn: SignedIn, dryRun: Bool,
        _ configure: (inout CSVImportOperations.Request) -> Void
    ) async throws -> CSVImportOperations.Report {
        let owner = try await UserStore(database: self.database.sql).find(signedIn.session.userID)
        var request = CSVImportOperations.Request(
            kind: kind, origin: .dashboard, startedBy: owner?.email ?? "the dashboard", fileName: upload.fileName)
        request.dryRun = dryRun
        request.uploadID = upload.id
        configure(&request)
        return try await self.operations.run(self.uploads.content(of: upload), request, in: signedIn.workspace)
    }

    // MARK: results

    struct ResultPage: Sendable {
        struct Failure: Sendable {
            var line: Int
            var reasons: String
            var cells: String
        }

        struct Column: Sendable {
            var header: String
            var field: String
        }

        var layout: DashboardLayout
        var id: String
        var kind: String
        var title: String
        var heading: String
        var fileName: String
        var when: String
        var startedBy: String
        var status: String
        var message: String?
        var dryRun: Bool
        var summary: ImportSummary
        var written: String?
        var columns: [Column]
        var failures: [Failure]
        var hasFailures: Bool
        var moreFailures: Int
        var hasMoreFailures: Bool
        var errorFile: String
        /// A check whose file is still kept: it can be imported.
        var importAction: String?
        var importable: Int
        var againHref: String
    }

    func result(_ request: Request, context: APIContext) async throws -> Response {
        let signedIn = try context.signedIn
        let record = try await self.record(request, context: context)
        let failures = try await ImportStore(database: self.database.sql).failures(
            of: record.id, in: record.workspaceID, limit: 100)
        var importAction: String?
        if record.dryRun, record.status == .completed, let uploadID = record.uploadID,
            try await self.uploads.find(uploadID, in: signedIn.workspaceID) != nil
        {
            importAction = "/\(record.kind.rawValue)/import/\(uploadID.rawValue)/run"
        }
        let summary = record.summary
        let model = ResultPage(
            layout: signedIn.layout(Self.section(record.kind)), id: record.id.rawValue, kind: record.kind.rawValue,
            title: record.kind.rawValue.capitalized,
            heading: record.dryRun ? "Checked: nothing written yet" : "Import results",
            fileName: record.fileName ?? "(no name)",
            when: DashboardFormat.when(record.startedAt, in: signedIn.workspace.zone), startedBy: record.startedBy,
            status: Self.statusText(record), message: record.message, dryRun: record.dryRun, summary: summary,
            written: record.writtenLines.isEmpty
                ? nil : record.writtenLines.map { "lines \($0.lowerBound)–\($0.upperBound)" }.joined(separator: ", "),
            columns: zip(record.headers, record.fields).map { header, field in
                ResultPage.Column(header: header, field: field ?? "left out")
            },
            failures: failures.map { failure in
                ResultPage.Failure(
                    line: failure.line,
                    reasons: failure.errors.map { "\($0.field): \($0.message)" }.joined(separator: "; "),
                    cells: failure.cells.map { String($0.prefix(40)) }.joined(separator: " · "))
            }, hasFailures: !failures.isEmpty, moreFailures: max(0, summary.failed - failures.count),
            hasMoreFailures: summary.failed > failures.count,
            errorFile: "/imports/\(record.id.rawValue)/errors.csv", importAction: importAction,
            importable: summary.created + summary.updated, againHref: "/\(record.kind.rawValue)/import")
        return self.pages.render("import-result", model)
    }

    func errorFile(_ request: Request, context: APIContext) async throws -> Response {
        ImportErrorFile.response(for: try await self.record(request, context: context), database: self.database)
    }

    // MARK: helpers

    private func record(_ request: Request, context: APIContext) async throws -> ImportRecord {
        let signedIn = try context.signedIn
        guard let id = context.parameters.get("id").flatMap(ImportRecord.ID.init),
            let record = try await ImportStore(database: self.database.sql).find(id, in: signedIn.workspaceID)
        else { throw HTTPError(.notFound, message: "No such import.") }
        return record
    }

    /// The upload the path names, of this workspace and kind.
    private func upload(_ request: Request, context: APIContext, kind: ImportKind) async throws -> ImportUpload {
        let signedIn = try context.signedIn
        guard let id = context.parameters.get("upload").flatMap(ImportUpload.ID.init),
            let upload = try await self.uploads.find(id, in: signedIn.workspaceID), upload.kind == kind
        else {
            throw HTTPError(
                .notFound, message: "This upload is no longer kept (an imported file is not). Upload the file again.")
        }
        return upload
    }

    static func section(_ kind: ImportKind) -> DashboardSection {
        switch kind {
        case .offerings: .offerings
        case .leads: .leads
        case .clients: .clients
        }
    }

    static func statusText(_ record: ImportRecord) -> String {
        switch record.status {
        case .running: "running"
        case .completed: record.dryRun ? "checked" : "imported"
        case .interrupted: "stopped part way"
        case .refused: "refused"
        }
    }

    static func counts(_ summary: ImportSummary) -> String {
        "\(summary.total) rows: \(summary.created) new, \(summary.updated) updated, \(summary.unchanged) unchanged, "
            + "\(summary.failed) failed"
    }

    static func delimiter(_ name: String?) -> UInt8? {
        name.flatMap(CSVParser.delimiter(named:))
    }
}
