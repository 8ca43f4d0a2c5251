/// The version this build says it is (the MCP server's `serverInfo`).
package enum LeadlightVersion {
    package static let current = "0.1.0"
}
