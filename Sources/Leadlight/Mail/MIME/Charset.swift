import Foundation

/// The character sets emails are written in, read into text: UTF-8 and ASCII, Latin-1 and Windows-1252 (the
/// usual others); an unknown name is read as UTF-8 with bad bytes replaced, never refused.
enum Charset {
    static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes, charset: String?) -> String {
        switch charset?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) {
        case "iso-8859-1", "latin1", "iso_8859-1", "l1":
            return String(decoding: bytes.map { UInt16($0) }, as: UTF16.self)
        case "windows-1252", "cp1252":
            return String(data: Data(bytes), encoding: .windowsCP1252)
                ?? String(decoding: bytes.map { UInt16($0) }, as: UTF16.self)
        default:
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
