/// Thrown when a lead without an email is converted: a client needs one. The request is fine; the lead's state
/// is what stands in the way, so the API answers 409 and the dashboard asks for the email first.
package struct LeadHasNoEmail: Error, Sendable, Equatable {
    package var lead: Lead.ID
}
