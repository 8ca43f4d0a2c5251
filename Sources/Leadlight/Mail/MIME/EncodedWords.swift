import Foundation

/// RFC 2047 encoded words in header values (`=?UTF-8?B?SsO8cmdlbg==?=`, `=?iso-8859-1?Q?J=FCrgen?=`), as
/// portals write names and subjects. A word that does not decode is left as sent.
enum EncodedWords {
    static func decode(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var result = ""
        var rest = Substring(value)
        var lastWasWord = false
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            let afterStart = rest[start.upperBound...]
            guard let word = Self.word(afterStart) else {
                result += before + "=?"
                rest = afterStart
                lastWasWord = false
                continue
            }
            // white space between two encoded words is not part of the text (§6.2)
            if !(lastWasWord && before.allSatisfy(\.isWhitespace)) { result += before }
            result += word.text
            rest = word.rest
            lastWasWord = true
        }
        return result + rest
    }

    /// `charset?encoding?text?=` after an `=?`.
    private static func word(_ text: Substring) -> (text: String, rest: Substring)? {
        let pieces = text.split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3, let end = pieces[2].range(of: "?=") else { return nil }
        let charset = pieces[0].split(separator: "*").first.map(String.init) ?? ""  // RFC 2231 language dropped
        let encoded = pieces[2][..<end.lowerBound]
        let bytes: [UInt8]?
        switch pieces[1].uppercased() {
        case "B": bytes = Data(base64Encoded: String(encoded), options: .ignoreUnknownCharacters).map { Array($0) }
        case "Q":
            bytes = TransferEncoding.quotedPrintable(Array(encoded.replacingOccurrences(of: "_", with: " ").utf8))
        default: bytes = nil
        }
        guard let bytes else { return nil }
        return (Charset.decode(bytes, charset: charset), pieces[2][end.upperBound...])
    }
}
