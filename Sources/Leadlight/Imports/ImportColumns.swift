/// Which field of the import each column of a file's header row fills. A header names a field as the API spells
/// it, or by a common name for it in other tools' exports (`Product Name`, `SKU`, `Unit Price`), matched without
/// regard to case, spaces, `_` or `-`. A column naming no field is left out of the import, and said so.
package struct ImportColumns: Sendable, Equatable {
    /// The file's headers, in order.
    package var headers: [String]
    /// The field each column fills, nil for a column left out.
    package var fields: [String?]

    /// A header row no import can use.
    package struct Unusable: Error, Sendable, Equatable, CustomStringConvertible {
        package var description: String
    }

    /// Matches `headers` to the fields of `kind`. `chosen` (column index → field, or "" to leave the column out)
    /// overrides the match for the columns it names: the dashboard's mapping step.
    package init(headers: [String], kind: ImportKind, chosen: [Int: String] = [:]) throws {
        self.headers = headers
        var fields: [String?] = []
        var columnOfField: [String: Int] = [:]
        for (column, header) in headers.enumerated() {
            let field: String?
            if let choice = chosen[column] {
                guard choice.isEmpty || kind.fields.contains(choice) else {
                    throw Unusable(description: "“\(choice)” is not a field of \(kind.what)")
                }
                field = choice.isEmpty ? nil : choice
            } else {
                field = kind.field(forHeader: header)
            }
            if let field {
                if let earlier = columnOfField[field] {
                    throw Unusable(
                        description:
                            "columns \(earlier + 1) (“\(headers[earlier])”) and \(column + 1) (“\(header)”) both fill "
                            + "\(field); leave one out"
                    )
                }
                columnOfField[field] = column
            }
            fields.append(field)
        }
        guard fields.contains(where: { $0 != nil }) else {
            throw Unusable(
                description:
                    "no column of the header row names a field of \(kind.what); the first line must name the columns, "
                    + "like \(kind.fields.prefix(4).joined(separator: ","))"
            )
        }
        self.fields = fields
    }

    /// A line's cells under the fields their columns fill, trimmed of spaces: columns left out and empty cells are
    /// no field (an import never clears a stored value).
    func cells(_ values: [String]) -> [(field: String, text: String)] {
        var cells: [(field: String, text: String)] = []
        for (field, value) in zip(self.fields, values) {
            guard let field else { continue }
            let trimmed = TextRules.trimmed(value)
            if !trimmed.isEmpty { cells.append((field, trimmed)) }
        }
        return cells
    }

    /// The headers of the columns left out.
    package var ignored: [String] {
        zip(self.headers, self.fields).compactMap { header, field in field == nil ? header : nil }
    }

    /// `header` as matched: lowercased, without spaces, `_`, `-` or `.`.
    static func normalized(_ header: String) -> String {
        String(
            header.lowercased().unicodeScalars.filter { !" _-.\t".unicodeScalars.contains($0) }.map(Character.init))
    }
}
