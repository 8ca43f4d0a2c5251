import Foundation

/// A structured header value such as `Content-Type` or `Content-Disposition` (RFC 2045 §5.1): a value, then
/// `; name=value` parameters, a value quoted or not. Parameter names are lower-cased; quoted semicolons stay.
struct MIMEHeaderValue: Sendable, Equatable {
    /// The value before the first parameter, lower-cased (`multipart/form-data`, `form-data`).
    var value: String
    var parameters: [String: String]

    init(_ text: String) {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        self.value = pieces[0].trimmingCharacters(in: .whitespaces).lowercased()
        self.parameters = [:]
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
            if self.parameters[name] == nil { self.parameters[name] = pair[1].trimmingCharacters(in: .whitespaces) }
        }
    }

    subscript(_ name: String) -> String? { self.parameters[name] }
}
