import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCP
import NIOCore
import Synchronization

/// `/mcp`: the workspace's tools for AI assistants over MCP's Streamable HTTP (docs/MCP.md). The API key is
/// checked, and the request counted against the key's rate limit, before any MCP handling, as on the REST API.
///
/// Each POST is answered by a server and a stateless transport of its own, made for the key's workspace and gone
/// after: the SDK keys pending answers by JSON-RPC id alone, so two clients that both number their requests from
/// 1 would cross on a shared one. (No session to keep: every tool answers in one reply, and nothing is pushed.)
/// GET and DELETE answer 405, as a stateless server's must.
struct MCPEndpoint {
    let database: LeadlightDatabase
    let clock: WallClock
    /// The Host and Origin names a request may carry: this server's own (`MCPEndpoint.allowedHosts`).
    let validation: StandardValidationPipeline
    /// How long one request may take (`LEADLIGHT_MCP_TIMEOUT`); a tool still running then is stopped and the
    /// client told.
    let timeout: Duration
    let metrics: ServerMetrics?
    /// The REST lists' answer cache, which also keeps the answers of the read-only tools.
    let lists: ListResponseCache?

    init(
        database: LeadlightDatabase, clock: WallClock, allowedHosts: [String], timeout: Duration,
        metrics: ServerMetrics?, lists: ListResponseCache? = nil
    ) {
        self.lists = lists
        self.database = database
        self.clock = clock
        self.timeout = timeout
        self.metrics = metrics
        self.validation = StandardValidationPipeline(validators: [
            OriginValidator(
                allowedHosts: allowedHosts,
                allowedOrigins: allowedHosts.flatMap { ["http://\($0)", "https://\($0)"] }),
            AcceptHeaderValidator(mode: .jsonOnly),
            ContentTypeValidator(),
            ProtocolVersionValidator(),
        ])
    }

    /// The names a request may give in `Host` (and, after `http://` or `https://`, in `Origin`): the loopback
    /// names with any port, the address the server listens on, and the host of `LEADLIGHT_PUBLIC_URL`, with and
    /// without a port. Anything else is a DNS-rebinding attempt, or a misdirected request: 421.
    static func allowedHosts(_ configuration: LeadlightConfiguration) -> [String] {
        var names = ["127.0.0.1:*", "localhost:*", "[::1]:*", "127.0.0.1", "localhost"]
        if !["0.0.0.0", "::", "", "127.0.0.1", "localhost"].contains(configuration.host) {
            names += [configuration.host, "\(configuration.host):*"]
        }
        if let base = configuration.publicSite.baseURL, let url = URL(string: base), let host = url.host {
            let literal = host.contains(":") ? "[\(host)]" : host
            names += [literal, "\(literal):*"]
        }
        return names
    }

    func addRoutes(to group: RouterGroup<APIContext>) {
        group.post(use: self.handle)
        group.get(use: self.handle)
        group.delete(use: self.handle)
    }

    func handle(_ request: Request, context: APIContext) async throws -> Response {
        let tools = WorkspaceTools(
            database: self.database, clock: self.clock, workspace: try context.workspaceID, metrics: self.metrics)
        let body = try await request.body.collect(upTo: context.maxRequestBodyBytes)
        let exchange = Self.exchange(of: request, body: body)
        if let direct = await self.answerDirectly(exchange, body: body, tools: tools, logger: context.logger) {
            return Self.response(direct)
        }
        let server = await tools.makeServer()
        let transport = StatelessHTTPServerTransport(validationPipeline: self.validation)
        try await server.start(transport: transport)
        guard let answer = await Self.first(within: self.timeout, { await transport.handleRequest(exchange) }) else {
            Task { await server.stop() }  // when the tool ends
            return Self.response(self.tooLong(context.logger))
        }
        await server.stop()
        return Self.response(answer)
    }

    /// The 504 for a request past `timeout`. The tool goes on alone (it cannot be cut off in the middle of its
    /// transaction); the client hears now, and is told what that means.
    private func tooLong(_ logger: Logger) -> MCP.HTTPResponse {
        logger.warning("An MCP request took too long", metadata: ["timeout": "\(self.timeout)"])
        return .error(
            statusCode: 504,
            .internalError(
                "The request took longer than \(self.timeout) and its answer was given up. A change it was "
                    + "making may still be saved: search before trying again."))
    }

    /// What `work` answers, or nil when `timeout` passes first: the work then goes on alone, and nothing waits
    /// for it, not even a graceful shutdown.
    static func first<T: Sendable>(within timeout: Duration, _ work: @escaping @Sendable () async -> T) async -> T? {
        let race = FirstAnswer<T>()
        let answer = await withCheckedContinuation { continuation in
            race.wait(continuation)  // before either task exists, so neither can finish unheard
            Task { race.finish(await work()) }
            race.time(
                Task {
                    try? await TimerSleep.sleep(for: timeout)
                    race.finish(nil)
                })
        }
        race.cancelTimer()
        return answer
    }

    /// Whichever ends first, the work or its timer, answers; the other is ignored.
    private final class FirstAnswer<T: Sendable>: Sendable {
        private let continuation = Mutex<CheckedContinuation<T?, Never>?>(nil)
        private let timer = Mutex<Task<Void, Never>?>(nil)

        func wait(_ continuation: CheckedContinuation<T?, Never>) {
            self.continuation.withLock { $0 = continuation }
        }

        func time(_ timer: Task<Void, Never>) {
            self.timer.withLock { $0 = timer }
        }

        func finish(_ answer: T?) {
            self.continuation.withLock { $0.take() }?.resume(returning: answer)
        }

        func cancelTimer() {
            self.timer.withLock { $0.take() }?.cancel()
        }
    }

    /// `tools/list` and `tools/call`, the calls an assistant makes over and over, answered here, after the same
    /// checks the transport makes, with the same results: the SDK's request handler turns every result into its
    /// `Value` by decoding it again, and its decoder compiles a regular expression for each string (to spot
    /// `data:` URLs), which made a search of 20 leads take 17 ms (docs/BENCHMARKS.md). Anything else, and any
    /// request not plainly one of these two (a batch, an odd id), goes to the SDK.
    func answerDirectly(
        _ exchange: MCP.HTTPRequest, body: ByteBuffer, tools: WorkspaceTools, logger: Logger
    ) async -> MCP.HTTPResponse? {
        guard exchange.method == "POST",
            let document = body.withUnsafeReadableBytes({ try? JSONValue.document($0) })?.root,
            document["jsonrpc"].map({ if case .string("2.0") = $0 { true } else { false } }) == true,
            case .string(let method)? = document["method"], ["tools/list", "tools/call"].contains(method),
            let id = document["id"], Self.isPlainID(id)
        else { return nil }
        if let refusal = self.validation.validate(exchange, context: HTTPValidationContext(httpMethod: "POST")) {
            return refusal
        }
        let result: Data
        if method == "tools/list" {
            result = WorkspaceTools.listedTools
        } else {
            guard case .object(let params)? = document["params"].map(Value.init(json:)),
                case .string(let name)? = params["name"]
            else { return nil }
            let arguments: [String: Value]?
            switch params["arguments"] {
            case nil, .null?: arguments = nil
            case .object(let object)?: arguments = object
            default: return nil
            }
            guard let answered = await Self.first(within: self.timeout, { await self.answer(name, arguments, tools) })
            else { return self.tooLong(logger) }
            result = answered
        }
        var json = Data(#"{"jsonrpc":"2.0","id":"#.utf8)
        json.append(contentsOf: Self.text(of: id))
        json.append(contentsOf: #","result":"#.utf8)
        json.append(result)
        json.append(UInt8(ascii: "}"))
        return .data(json, headers: ["Content-Type": "application/json"])
    }

    /// The tool's result as JSON. A read-only tool's result goes through the REST lists' answer cache: kept for
    /// the read cache's window (1 s) and dropped at this process's next write, as a list's answer is; keyed by
    /// workspace, tool and arguments. Refusals are never kept.
    private func answer(_ name: String, _ arguments: [String: Value]?, _ tools: WorkspaceTools) async -> Data {
        guard let lists = self.lists, WorkspaceTools.byName[name]?.tool.annotations.readOnlyHint == true else {
            return Self.json(of: await tools.call(name, arguments: arguments))
        }
        let key = "\(tools.workspace.rawValue) mcp:\(name)?\(MCPTool.json(.object(arguments ?? [:])))"
        var computed = false
        do {
            let page: ByteBuffer = try await lists.cache.value(for: key) { () async throws -> ByteBuffer in
                computed = true
                let result = await tools.call(name, arguments: arguments)
                guard result.isError != true else { throw Refused(json: Self.json(of: result)) }
                return ByteBuffer(data: Self.json(of: result))
            }
            if !computed { self.metrics?.mcpToolCalled(name, failed: false) }
            return Data(page.readableBytesView)
        } catch {
            // only a refusal is thrown in there
            return (error as? Refused)?.json ?? Data()
        }
    }

    /// A refusal, carried out of the cache's read so it is not kept.
    private struct Refused: Error {
        var json: Data
    }

    /// A tool's result as JSON, as the SDK's encoder writes it (`content`, `structuredContent`, `isError`), but by
    /// `Value.writeJSON`.
    static func json(of result: CallTool.Result) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8192)
        bytes += #"{"content":["#.utf8
        var first = true
        for case .text(let text, _, _) in result.content {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes += #"{"type":"text","text":"#.utf8
            Value.writeString(text, into: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "]"))
        if let structured = result.structuredContent {
            bytes += #","structuredContent":"#.utf8
            structured.writeJSON(into: &bytes)
        }
        if result.isError == true { bytes += #","isError":true"#.utf8 }
        bytes.append(UInt8(ascii: "}"))
        return Data(bytes)
    }

    /// A JSON-RPC id as the SDK takes it: a string or a whole number.
    private static func isPlainID(_ id: JSONValue) -> Bool {
        switch id {
        case .string: true
        case .number(let text): Int(text) != nil
        default: false
        }
    }

    /// The id written back as it came.
    private static func text(of id: JSONValue) -> [UInt8] {
        var bytes: [UInt8] = []
        switch id {
        case .string(let text): Value.writeString(text, into: &bytes)
        case .number(let text): bytes += text.utf8
        default: bytes += "null".utf8
        }
        return bytes
    }

    /// The request as the SDK reads it. Hummingbird keeps `Host` as the authority; it goes back among the headers,
    /// or the SDK's host check would never see it. Repeated headers are joined, as HTTP allows.
    static func exchange(of request: Request, body: ByteBuffer) -> MCP.HTTPRequest {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        if let authority = request.head.authority { headers["host"] = authority }
        return MCP.HTTPRequest(
            method: request.method.rawValue, headers: headers,
            body: body.readableBytes > 0 ? Data(body.readableBytesView) : nil, path: request.uri.path)
    }

    static func response(_ answer: MCP.HTTPResponse) -> Response {
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let body = answer.bodyData.map { ByteBuffer(bytes: $0) } ?? ByteBuffer()
        return Response(
            status: HTTPResponse.Status(code: answer.statusCode), headers: headers, body: .init(byteBuffer: body))
    }
}
