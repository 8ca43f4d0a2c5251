import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A `leadlight serve` process on 127.0.0.1 and a free port (or the one given), stopped with SIGTERM.
struct ServerProcess: Sendable {
    let port: Int
    /// Everything the server printed on stdout up to the end of its start-up output.
    let output: String
    let process: LongRunningProcess

    var baseURL: String { "http://127.0.0.1:\(self.port)" }

    /// Starts the server and waits until it prints that it is listening (and, on a first run, its banner, and
    /// any other line starting with `alsoPrinting`).
    static func start(
        _ arguments: [String] = [],
        environment: [String: String] = [:],
        directory: URL? = nil,
        alsoPrinting: String? = nil,
        fileSizeLimitKiB: Int? = nil,
        port: Int = 0
    ) async throws -> ServerProcess {
        let (process, output) = try await LongRunningProcess.start(
            ["serve", "--port", String(port)] + arguments, environment: environment, directory: directory,
            fileSizeLimitKiB: fileSizeLimitKiB
        ) { text in
            // started, and either no first-run banner is coming or it has been printed whole
            text.contains("Leadlight is listening on") && (!text.contains("First run") || text.contains("\n└"))
                && alsoPrinting.map { text.contains("\n" + $0) || text.hasPrefix($0) } ?? true
        }
        let line = output.split(separator: "\n").first { $0.hasPrefix("Leadlight is listening on http://") }
        guard let line,
            let port = line.split(separator: ":").dropFirst(2).first.flatMap({ Int($0.prefix { $0.isNumber }) })
        else {
            let log = process.log
            await process.stop()
            throw LongRunningProcess.StartFailure(arguments: ["serve"], output: output, log: log)
        }
        return ServerProcess(port: port, output: output, process: process)
    }

    /// Sends `method path` with the workspace `key` (and `json` as the body, if any), as an API client would.
    func request(
        _ method: HTTPMethod, _ path: String, key: String, json: Data? = nil, timeout: TimeAmount = .seconds(30)
    ) async throws -> (status: UInt, body: String) {
        try await self.request(method, path, key: key, body: json, contentType: "application/json", timeout: timeout)
    }

    /// A request with a body of any type (`text/csv` for an import, say).
    func request(
        _ method: HTTPMethod, _ path: String, key: String, body: Data?, contentType: String,
        timeout: TimeAmount = .seconds(30)
    ) async throws -> (status: UInt, body: String) {
        var request = HTTPClientRequest(url: "\(self.baseURL)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        return (response.status.code, String(buffer: try await response.body.collect(upTo: 16 << 20)))
    }

    func kill9() async { await self.process.kill9() }

    @discardableResult
    func stop() async -> Int32 { await self.process.stop() }
}
