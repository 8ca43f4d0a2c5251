import Foundation
import Logging
import MCP

/// `leadlight mcp`: the same tools over standard input and output, for an assistant that starts Leadlight
/// itself (Claude Desktop, an IDE), on the workspace of an API key. Messages only on stdout; logs on stderr.
package enum MCPStdio {
    package struct KeyRefused: Error, CustomStringConvertible {
        package var description: String
    }

    /// Serves until the client closes standard input. Throws `KeyRefused` for a key that is malformed, unknown,
    /// revoked or expired, before anything is read.
    package static func serve(key presented: String, database: LeadlightDatabase, clock: WallClock, logger: Logger)
        async throws
    {
        guard let secret = APIKeySecret(presented: presented) else {
            throw KeyRefused(
                description: "The API key is malformed: keys look like alk_live_ followed by 40 letters and digits.")
        }
        guard let key = try await APIKeyStore(database: database.sql).authenticate(secret) else {
            throw KeyRefused(description: "The API key is not valid: it is unknown or has been revoked.")
        }
        guard !key.isExpired(at: clock.now) else {
            throw KeyRefused(description: "The API key has expired: create a new one under Settings → API.")
        }
        let tools = WorkspaceTools(database: database, clock: clock, workspace: key.workspaceID)
        let server = await tools.makeServer()
        try await server.start(transport: StdioTransport(logger: logger))
        logger.info("Serving MCP on standard input and output", metadata: ["workspace_id": "\(key.workspaceID)"])
        await server.waitUntilCompleted()
        await server.stop()
    }
}
