/// What became of one row of an import.
package enum ImportOutcome: Sendable, Equatable {
    case created
    case updated
    /// Found as the row has it: nothing written.
    case unchanged
    case failed([FieldError])
}
