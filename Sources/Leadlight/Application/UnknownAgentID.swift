/// A workspace named on the command line that does not exist.
package struct UnknownAgentID: Error, CustomStringConvertible {
    package var agentID: String
    package init(agentID: String) { self.agentID = agentID }
    package var description: String { "no workspace has the agentId \(self.agentID)" }
}
