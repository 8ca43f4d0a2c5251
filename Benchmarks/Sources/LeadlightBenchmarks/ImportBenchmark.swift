import AsyncHTTPClient
import Foundation
import Leadlight
import NIOCore

/// Issue 12's benchmark: a 100,000-row offerings CSV through `POST /api/v1/products/import`, beside the same rows
/// pushed through `POST /api/v1/products` in 1,000-row batches in the same run (the baseline), then the same file
/// again (every row unchanged), and a 1,000,000-row file. Each case runs on a fresh database and a fresh server,
/// whose peak resident memory is read from the kernel (`VmHWM`).
struct ImportBenchmark {
    let postgresURL: String?
    let rows: Int
    let bigRows: Int

    struct Line {
        var database: String
        var name: String
        var rows: Int
        var seconds: Double
        var peakKilobytes: Int
        /// The most anonymous memory (heap) and file-backed memory (the database's mapped pages) seen, sampled.
        var sampled = MemorySample()
    }

    /// Peaks of `RssAnon` and `RssFile` from `/proc/PID/status`, read every 50 ms while a case runs.
    struct MemorySample: Sendable {
        var anonKilobytes = 0
        var fileKilobytes = 0

        static func of(_ pid: Int32) -> MemorySample {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            func value(_ name: String) -> Int {
                let line = status.split(separator: "\n").first { $0.hasPrefix(name) } ?? ""
                return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            }
            return MemorySample(anonKilobytes: value("RssAnon:"), fileKilobytes: value("RssFile:"))
        }

        /// Runs `body` while sampling `pid`; the peaks seen.
        static func during(_ pid: Int32, _ body: () async throws -> Void) async throws -> MemorySample {
            let sampler = Task {
                var peak = MemorySample()
                while !Task.isCancelled {
                    let now = MemorySample.of(pid)
                    peak.anonKilobytes = max(peak.anonKilobytes, now.anonKilobytes)
                    peak.fileKilobytes = max(peak.fileKilobytes, now.fileKilobytes)
                    try? await Task.sleep(for: .milliseconds(50))
                }
                return peak
            }
            do {
                try await body()
            } catch {
                sampler.cancel()
                throw error
            }
            sampler.cancel()
            return await sampler.value
        }
    }

    func run() async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "leadlight-import-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("catalog.csv")
        try Self.writeFile(rows: self.rows, to: file)
        let bigFile = directory.appendingPathComponent("big.csv")
        if self.bigRows > 0 { try Self.writeFile(rows: self.bigRows, to: bigFile) }

        var lines: [Line] = []
        var databases: [ProductsBenchmark.Database] = [.sqlite]
        if let postgresURL { databases.append(.postgres(adminURL: postgresURL)) }
        for database in databases {
            let bench = ProductsBenchmark(database: database, batches: 0, rounds: 1)
            FileHandle.standardError.write(Data("\(database.name): 1,000-row batches\n".utf8))
            try await bench.withFreshDatabase { url in
                let (server, key) = try Self.server(databaseURL: url)
                defer { server.stop() }
                let started = ContinuousClock.now
                let sampled = try await MemorySample.during(server.process.processIdentifier) {
                    for batch in 0..<(self.rows / ProductsBenchmark.rowsPerBatch) {
                        try await Self.push(try Self.batch(batch), to: server, key: key)
                    }
                }
                lines.append(
                    Line(
                        database: database.name, name: "baseline: POST /api/v1/products, 1,000-row batches",
                        rows: self.rows, seconds: (ContinuousClock.now - started).seconds,
                        peakKilobytes: CoreBenchmark.peakResidentKilobytes(of: server.process.processIdentifier),
                        sampled: sampled))
            }
            FileHandle.standardError.write(Data("\(database.name): the CSV import\n".utf8))
            try await bench.withFreshDatabase { url in
                let (server, key) = try Self.server(databaseURL: url)
                defer { server.stop() }
                for (name, expect) in [
                    ("CSV import, new rows", "created"), ("CSV import again, every row unchanged", "unchanged"),
                ] {
                    var seconds = 0.0
                    let sampled = try await MemorySample.during(server.process.processIdentifier) {
                        seconds = try await Self.importFile(file, rows: self.rows, expect: expect, to: server, key: key)
                    }
                    lines.append(
                        Line(
                            database: database.name, name: name, rows: self.rows, seconds: seconds,
                            peakKilobytes: CoreBenchmark.peakResidentKilobytes(of: server.process.processIdentifier),
                            sampled: sampled))
                }
            }
            if self.bigRows > 0, case .sqlite = database {
                FileHandle.standardError.write(Data("\(database.name): the big CSV import\n".utf8))
                try await bench.withFreshDatabase { url in
                    let (server, key) = try Self.server(databaseURL: url)
                    defer { server.stop() }
                    var seconds = 0.0
                    let sampled = try await MemorySample.during(server.process.processIdentifier) {
                        seconds = try await Self.importFile(
                            bigFile, rows: self.bigRows, expect: "created", to: server, key: key)
                    }
                    lines.append(
                        Line(
                            database: database.name, name: "CSV import, \(self.bigRows) new rows", rows: self.bigRows,
                            seconds: seconds,
                            peakKilobytes: CoreBenchmark.peakResidentKilobytes(of: server.process.processIdentifier),
                            sampled: sampled))
                }
            }
        }
        return Self.markdown(lines, rows: self.rows, bytes: try Self.size(of: file))
    }

    static func markdown(_ lines: [Line], rows: Int, bytes: Int) -> String {
        var text = """
            A \(rows)-row offerings file (\(bytes / 1024) KiB; 7 fields a row, as the products benchmark's rows) on a \
            fresh database and server per case; each server's peak resident memory over its case.

            | database | case | rows | seconds | rows/s | vs baseline | server peak RSS | of it: heap / mapped file (sampled peaks) |
            |---|---|---:|---:|---:|---:|---:|---:|

            """
        for line in lines {
            let baseline = lines.first { $0.database == line.database && $0.name.hasPrefix("baseline") }
            let rate = Double(line.rows) / line.seconds
            let ratio = baseline.map { rate / (Double($0.rows) / $0.seconds) } ?? 1
            text +=
                "| \(line.database) | \(line.name) | \(line.rows) | \(String(format: "%.2f", line.seconds)) | "
                + "\(String(format: "%.0f", rate)) | \(String(format: "%.2f×", ratio)) | "
                + "\(String(format: "%.0f MB", Double(line.peakKilobytes) / 1024)) | "
                + "\(line.sampled.anonKilobytes / 1024) MB / \(line.sampled.fileKilobytes / 1024) MB |\n"
        }
        let sqliteImport = lines.first { $0.database == "SQLite" && $0.name == "CSV import, new rows" }
        if let sqliteImport {
            let peak =
                lines.filter { $0.database == "SQLite" && $0.name.hasPrefix("CSV") }.map(\.peakKilobytes).max() ?? 0
            text +=
                "\nTargets (SQLite): \(rows) rows under 5 s — "
                + "\(String(format: "%.2f s", sqliteImport.seconds)) (\(sqliteImport.seconds < 5 ? "met" : "NOT met")); "
                + "server peak under 150 MB through every import — \(peak / 1024) MB "
                + "(\(peak < 150 * 1024 ? "met" : "NOT met")).\n"
        }
        return text
    }

    /// A fresh workspace on `databaseURL` and a server on it, with the workspace's key.
    static func server(databaseURL url: String) throws -> (BenchServer, String) {
        let created = try BenchServer.run(
            [
                "workspace", "create", "--name", "Bench", "--agent-id", "bench", "--owner-email", "bench@example.com",
                "--database-url", url, "--json",
            ],
            environment: ["LEADLIGHT_BCRYPT_COST": "4"])
        let key = try JSONDecoder().decode([String: String?].self, from: Data(created.utf8))["apiKey"]!!
        let server = try BenchServer.start(environment: [
            "LEADLIGHT_DATABASE_URL": url, "LEADLIGHT_RATE_LIMIT": "10000000", "LEADLIGHT_LOG_LEVEL": "error",
        ])
        return (server, key)
    }

    /// Row `index` of the file, the products benchmark's row shape.
    static func row(_ index: Int) -> (sku: String, name: String, price: String, stock: Int) {
        ("BENCH-\(index)", "Product \(index)", "\(index % 1000).10", index % 500)
    }

    static let description = "A benchmark product with a description of ordinary length."

    static func writeFile(rows: Int, to url: URL) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var text = "sku,name,price,stockQty,reorderLevel,unit,description\n"
        for index in 0..<rows {
            let row = Self.row(index)
            text += "\(row.sku),\(row.name),\(row.price),\(row.stock),10,piece,\(Self.description)\n"
            if text.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(text.utf8))
                text = ""
            }
        }
        try handle.write(contentsOf: Data(text.utf8))
    }

    static func size(of url: URL) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
    }

    static func batch(_ batch: Int) throws -> ByteBuffer {
        let products: [[String: Any]] = (0..<ProductsBenchmark.rowsPerBatch).map { offset in
            let row = Self.row(batch * ProductsBenchmark.rowsPerBatch + offset)
            return [
                "sku": row.sku, "name": row.name, "price": row.price, "stockQty": row.stock, "reorderLevel": 10,
                "unit": "piece", "description": Self.description,
            ]
        }
        return ByteBuffer(data: try JSONSerialization.data(withJSONObject: ["products": products]))
    }

    static func push(_ body: ByteBuffer, to server: BenchServer, key: String) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/products")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let answer = String(buffer: try await response.body.collect(upTo: 64 << 20))
        guard response.status.code == 200 else {
            throw BenchError("unexpected answer \(response.status.code): \(answer.prefix(300))")
        }
    }

    /// Sends the file as it is read from disk, 256 KiB at a time; the seconds until the answer is whole.
    static func importFile(_ file: URL, rows: Int, expect status: String, to server: BenchServer, key: String)
        async throws -> Double
    {
        let size = try Self.size(of: file)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/products/import")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "text/csv")
        request.body = .stream(FileBytes(path: file.path), length: .known(Int64(size)))
        let started = ContinuousClock.now
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(600))
        let answer = String(buffer: try await response.body.collect(upTo: 64 << 20))
        let seconds = (ContinuousClock.now - started).seconds
        guard response.status.code == 200, answer.contains("\"\(status)\":\(rows)") else {
            throw BenchError("unexpected answer \(response.status.code): \(answer.prefix(300))")
        }
        return seconds
    }
}

/// A file's bytes, read 256 KiB at a time as they are sent.
struct FileBytes: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?

        mutating func next() async throws -> ByteBuffer? {
            guard let data = try self.handle?.read(upToCount: 256 * 1024), !data.isEmpty else { return nil }
            return ByteBuffer(data: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: FileHandle(forReadingAtPath: self.path)) }
}
