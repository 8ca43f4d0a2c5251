/// One part of a multipart body: its header fields and its content, still in its transfer encoding.
struct MIMEPart: Sendable, Equatable {
    var headers: MIMEHeaders
    var content: ArraySlice<UInt8>
}

/// Splits a `multipart/*` body into its parts (RFC 2046 §5.1, RFC 7578 for forms). One reader for the
/// dashboard's and the site's file uploads, SendGrid's Inbound Parse posts and the parts of an email, so the
/// one parser is the one fuzzed. Work is linear in the body: a
/// boundary is only looked for where a line starts.
enum MIMEMultipart {
    /// More parts than any form or email we take has; past it the body is refused.
    static let maxParts = 500

    /// The boundary of a `Content-Type` value, when it is a multipart type with a usable one (1–70 bytes).
    static func boundary(of contentType: String, subtype: String? = nil) -> String? {
        let header = MIMEHeaderValue(contentType)
        guard header.value.hasPrefix("multipart/"), subtype.map({ header.value == "multipart/\($0)" }) ?? true,
            let boundary = header["boundary"], (1...70).contains(boundary.utf8.count)
        else { return nil }
        return boundary
    }

    /// The parts between the first delimiter line and the closing one; the preamble and epilogue are dropped.
    /// A body without an opening or a closing delimiter, or with a part whose headers do not read, throws
    /// `MIMEMalformed`. `strictHeaders` is for forms (a browser's headers are always well formed); an email's
    /// parts are read leniently.
    static func parts(of body: ArraySlice<UInt8>, boundary: String, strictHeaders: Bool) throws -> [MIMEPart] {
        let delimiter = Array("--\(boundary)".utf8)
        guard var start = Self.find(delimiter, in: body, from: body.startIndex) else {
            throw MIMEMalformed("no part starts with the boundary")
        }
        var parts: [MIMEPart] = []
        while true {
            var index = start + delimiter.count
            if body[index...].starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) { return parts }  // closing
            // transport padding, then the end of the delimiter line
            while index < body.endIndex, body[index] == UInt8(ascii: " ") || body[index] == UInt8(ascii: "\t") {
                index += 1
            }
            if index < body.endIndex, body[index] == UInt8(ascii: "\r") { index += 1 }
            guard index < body.endIndex, body[index] == UInt8(ascii: "\n") else {
                throw MIMEMalformed("a boundary line goes on after the boundary")
            }
            index += 1
            guard let next = Self.find(delimiter, in: body, from: index) else {
                throw MIMEMalformed("the body ends before its closing boundary")
            }
            guard parts.count < Self.maxParts else { throw MIMEMalformed("more than \(Self.maxParts) parts") }
            // the line break before a delimiter belongs to the delimiter
            var end = next
            if end > index, body[end - 1] == UInt8(ascii: "\n") { end -= 1 }
            if end > index, body[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let (headers, contentStart) = try MIMEHeaders.parse(body[index..<end], strict: strictHeaders)
            parts.append(MIMEPart(headers: headers, content: body[contentStart..<end]))
            start = next
        }
    }

    /// The next `needle` at or after `from` that starts a line (the body's start, or just after an LF). Only line
    /// starts are compared, each at most as far as its line goes, so the search is linear in the body.
    private static func find(_ needle: [UInt8], in body: ArraySlice<UInt8>, from: Int) -> Int? {
        var candidate = from
        if candidate > body.startIndex, body[candidate - 1] != UInt8(ascii: "\n") {
            guard let lineEnd = body[candidate...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            candidate = lineEnd + 1
        }
        while candidate < body.endIndex {
            if body[candidate...].starts(with: needle) { return candidate }
            guard let lineEnd = body[candidate...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            candidate = lineEnd + 1
        }
        return nil
    }
}
