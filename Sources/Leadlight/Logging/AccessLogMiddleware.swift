import Hummingbird
import Logging
import Synchronization

/// One log line per answered request: method, route pattern, status, duration and, once a key or a session has
/// said whose it is, the workspace; the request id comes with the logger. At `info` when the access log is on
/// (`LEADLIGHT_ACCESS_LOG=1`), at `debug` otherwise. The route is the pattern (`/api/v1/leads/{id}`), never the
/// path: a path can carry what must not be logged (a sign-up confirmation's token).
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let level: Logger.Level

    func handle(
        _ request: Request,
        context: APIContext,
        next: (Request, APIContext) async throws -> Response
    ) async throws -> Response {
        guard context.logger.logLevel <= self.level else { return try await next(request, context) }
        let started = ContinuousClock.now
        var context = context
        let facts = RequestFacts()
        context.requestFacts = facts
        do {
            let response = try await next(request, context)
            self.log(request, context, facts, status: response.status.code, since: started)
            return response
        } catch {
            let status = APIContext.status(of: error)
            self.log(request, context, facts, status: status, since: started)
            throw error
        }
    }

    private func log(
        _ request: Request, _ context: APIContext, _ facts: RequestFacts, status: Int,
        since started: ContinuousClock.Instant
    ) {
        let elapsed = (ContinuousClock.now - started).components
        let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds / 1_000_000_000_000) / 1000
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "route": .string(context.route),
            "status": .stringConvertible(status),
            "duration_ms": .stringConvertible(milliseconds),
        ]
        if let workspace = facts.workspaceID { metadata["workspace_id"] = .string(workspace) }
        context.logger.log(level: self.level, "request", metadata: metadata)
    }
}

/// What inner middleware learns about a request that the access log, outside them, reports.
final class RequestFacts: Sendable {
    private let workspace = Mutex<String?>(nil)

    var workspaceID: String? {
        get { self.workspace.withLock { $0 } }
        set { self.workspace.withLock { $0 = newValue } }
    }
}

extension APIContext {
    /// The request is the workspace's (its key's, its session's): every later log line of it says so.
    mutating func identify(_ workspace: Workspace.ID) {
        self.logger[metadataKey: "workspace_id"] = .string(workspace.rawValue)
        self.requestFacts?.workspaceID = workspace.rawValue
    }
}
