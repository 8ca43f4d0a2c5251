/// Thrown when a lead is converted a second time: it names the client the first conversion made.
package struct LeadAlreadyConverted: Error, Sendable, Equatable {
    package var client: Client.ID
}
