import Foundation

/// Pulls a HubSpot account's product catalog into a workspace: every product, page by page (the archived ones as
/// inactive offerings), mapped by `HubSpotProductMapping` and written in chunks of up to 1,000 through the bulk
/// upsert, matched by `externalId` (`hubspot:` and the product's id), so a pull run again changes nothing. Recorded
/// as an import like a CSV file's: who, when, the counts, each product that failed with its reason.
package struct HubSpotImportOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock
    /// Counts each pull as it ends, when the server keeps metrics.
    let metrics: ServerMetrics?

    package init(database: LeadlightDatabase, clock: WallClock, metrics: ServerMetrics? = nil) {
        self.database = database
        self.clock = clock
        self.metrics = metrics
    }

    /// The file name a pull of every product is recorded with (one of the changed products names its start).
    static let everyProductName = "HubSpot products"

    /// The columns of a pull's error file: a product as read.
    static let headers = ["hs_object_id", "name", "hs_sku", "price", "recurringbillingfrequency", "archived"]

    /// What a pull did: its record, the products that failed (the first 1,000), and what was left out of the rows
    /// that went in (an `hs_sku` on a product that is not a PRODUCT).
    package struct Report: Sendable {
        package var record: ImportRecord
        package var failures: [ImportFailure] = []
        package var failuresLeftOut = 0
        package var notes: [ImportFailure] = []
    }

    /// Pulls every product (`changedSince` nil), or those HubSpot says changed since then (its search, oldest
    /// change first; archived products are seen by the next full pull).
    package func pull(
        from client: HubSpotClient, in workspace: Workspace, startedBy: String, dryRun: Bool = false,
        changedSince: Date? = nil, id: ImportRecord.ID = .generate(),
        progress: @Sendable (ImportRecord) -> Void = { _ in }
    ) async throws -> Report {
        var report = Report(
            record: ImportRecord(
                id: id, workspaceID: workspace.id, kind: .offerings, origin: .hubspot, startedBy: startedBy,
                fileName: changedSince.map {
                    "HubSpot products changed since \($0.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)))"
                }
                    ?? Self.everyProductName,
                dryRun: dryRun, status: .running, message: nil, headers: Self.headers,
                fields: Self.headers.map { _ in nil }, startedAt: self.clock.now, finishedAt: nil, bytesRead: 0,
                linesRead: 0, writtenLines: [], summary: ImportSummary()))
        try await ImportStore(database: self.database.sql).insert(report.record)
        var pull = Pull(operations: self, workspace: workspace, dryRun: dryRun)
        do {
            if let changedSince {
                try await self.readChanges(since: changedSince, from: client, into: &pull, &report, progress)
            } else {
                for archived in [false, true] {
                    var after: String?
                    repeat {
                        let page = try await client.products(after: after, archived: archived)
                        for product in page.products { try await pull.take(product, into: &report) }
                        after = page.next
                        progress(report.record)
                    } while after != nil
                }
            }
            try await pull.write(into: &report)
            report.record.status = .completed
            if !report.notes.isEmpty {
                report.record.message =
                    "\(report.notes.count) \(report.notes.count == 1 ? "product's" : "products'") "
                    + "hs_sku left out: a sku is a field of PRODUCT offerings only."
            }
        } catch {
            report.record.status = .interrupted
            let reason =
                error is CancellationError ? "it was stopped (disconnected, or the server stopping)" : "\(error)"
            report.record.message =
                "The pull stopped: \(reason). What was written before stays written; pull again to bring in the "
                + "rest (products already in are found unchanged)."
            report.record.finishedAt = self.clock.now
            // recorded even when this task is cancelled
            let (record, pull) = (report.record, pull)
            _ = await Task { try? await pull.save(record, adding: []) }.value
            self.metrics?.importEnded(record)
            throw error
        }
        report.record.finishedAt = self.clock.now
        try await pull.save(report.record, adding: [])
        self.metrics?.importEnded(report.record)
        return report
    }

    /// Reads the search's pages of changed products. One search gives at most `searchResultsLimit` results however
    /// it is paged: past that, it is asked again from the latest change read, leaving out the products read already
    /// that changed at that very time.
    private func readChanges(
        since: Date, from client: HubSpotClient, into pull: inout Pull, _ report: inout Report,
        _ progress: @Sendable (ImportRecord) -> Void
    ) async throws {
        var since = since
        var after: String?
        var readAtSince: Set<String> = []
        while true {
            let page = try await client.productsChanged(since: since, after: after)
            for product in page.products where !readAtSince.contains(product.id) {
                try await pull.take(product, into: &report)
            }
            progress(report.record)
            guard let next = page.next else { return }
            guard (Int(next) ?? 0) + HubSpotClient.pageSize > client.searchResultsLimit else {
                after = next
                continue
            }
            let changes = page.products.compactMap { product in
                product.properties["hs_lastmodifieddate"].flatMap(LeadlightJSON.date).map { (product.id, $0) }
            }
            // so many changed at one millisecond that a search cannot go past them: the next full pass reads them
            guard let latest = changes.map(\.1).max(), latest > since else { return }
            readAtSince = Set(changes.filter { $0.1 == latest }.map(\.0))
            since = latest
            after = nil
        }
    }

    /// One pull under way: the rows waiting for their chunk, the skus seen.
    private struct Pull {
        let operations: HubSpotImportOperations
        let workspace: Workspace
        let dryRun: Bool
        var pending: [(row: Int, cells: ImportRowWriter.Cells, read: [String])] = []
        /// Each sku seen and the product that had it first.
        var skuOwners: [String: String] = [:]

        init(operations: HubSpotImportOperations, workspace: Workspace, dryRun: Bool) {
            self.operations = operations
            self.workspace = workspace
            self.dryRun = dryRun
        }

        mutating func take(_ product: HubSpotProduct, into report: inout Report) async throws {
            report.record.linesRead += 1
            let row = report.record.linesRead
            let read = HubSpotImportOperations.headers.map { name in
                name == "hs_object_id"
                    ? product.id : name == "archived" ? String(product.archived) : product.properties[name] ?? ""
            }
            let mapped = HubSpotProductMapping.map(product)
            if let failure = mapped.failure {
                report.record.summary.total += 1
                try await self.fail([ImportFailure(line: row, cells: read, errors: [failure])], into: &report)
                return
            }
            if let sku = mapped.cells.first(where: { $0.field == "sku" })?.text {
                if let owner = self.skuOwners[sku], owner != product.id {
                    report.record.summary.total += 1
                    let error = FieldError(
                        field: "sku",
                        message: "hs_sku \(sku) is product \(owner)'s too: product \(product.id) is not imported")
                    try await self.fail([ImportFailure(line: row, cells: read, errors: [error])], into: &report)
                    return
                }
                self.skuOwners[sku] = product.id
            }
            if let note = mapped.note, report.notes.count < CSVImportOperations.reportedFailures {
                report.notes.append(
                    ImportFailure(line: row, cells: read, errors: [FieldError(field: "sku", message: note)]))
            }
            self.pending.append((row, mapped.cells, read))
            if self.pending.count >= CSVImportOperations.chunkRows { try await self.write(into: &report) }
        }

        /// Writes the rows waiting in one transaction and records the chunk.
        mutating func write(into report: inout Report) async throws {
            guard !self.pending.isEmpty else { return }
            let writer = ImportRowWriter(
                kind: .offerings, database: self.operations.database, clock: self.operations.clock,
                matchingExternalIDFirst: true)
            let outcomes = try await writer.write(self.pending.map(\.cells), in: self.workspace, dryRun: self.dryRun)
            var failures: [ImportFailure] = []
            for (outcome, pending) in zip(outcomes, self.pending) {
                report.record.summary.total += 1
                switch outcome {
                case .created: report.record.summary.created += 1
                case .updated: report.record.summary.updated += 1
                case .unchanged: report.record.summary.unchanged += 1
                case .failed(let errors):
                    failures.append(ImportFailure(line: pending.row, cells: pending.read, errors: errors))
                }
            }
            if !self.dryRun, let first = self.pending.first?.row, let last = self.pending.last?.row {
                report.record.noteWritten(first...last)
            }
            self.pending.removeAll(keepingCapacity: true)
            try await self.fail(failures, into: &report)
        }

        private func fail(_ failures: [ImportFailure], into report: inout Report) async throws {
            report.record.summary.failed += failures.count
            let room = max(0, CSVImportOperations.reportedFailures - report.failures.count)
            report.failures += failures.prefix(room)
            report.failuresLeftOut += max(0, failures.count - room)
            try await self.save(report.record, adding: failures)
        }

        func save(_ record: ImportRecord, adding failures: [ImportFailure]) async throws {
            try await self.operations.database.transaction { tx in
                try await ImportStore(database: tx).update(record, adding: failures)
            }
        }
    }
}
