import Foundation
import Hummingbird
import MCP
import NIOCore

/// One tool of the workspace (`WorkspaceTools`): what an assistant is told of it, and what it does. `run` gets the
/// arguments as the client sent them and answers the structured result; a refusal is thrown, as the REST API's
/// own errors are (`ValidationFailure`, `NotFound`, …), and becomes a tool result with `isError`.
struct MCPTool: Sendable {
    var tool: Tool
    var run: @Sendable (_ arguments: MCPArguments, _ workspace: WorkspaceTools) async throws -> Value

    /// A tool whose input and output are described by the API document's schemas (or written out here).
    init(
        _ name: String, title: String, description: String, input: Value, output: Value,
        readOnly: Bool, destructive: Bool = false, idempotent: Bool,
        run: @escaping @Sendable (_ arguments: MCPArguments, _ workspace: WorkspaceTools) async throws -> Value
    ) {
        self.tool = Tool(
            name: name, title: title, description: description, inputSchema: input,
            annotations: .init(
                title: title, readOnlyHint: readOnly, destructiveHint: destructive, idempotentHint: idempotent,
                openWorldHint: false),
            outputSchema: output)
        self.run = run
    }

    /// The result for a call: the structured answer, and the same JSON as text for clients that read only text;
    /// or, for a refusal, `isError` with what was wrong, each field named.
    func call(_ arguments: [String: Value]?, in workspace: WorkspaceTools) async -> CallTool.Result {
        do {
            let answer = try await self.run(MCPArguments(arguments ?? [:]), workspace)
            // (the SDK's generic initializer is the one Swift picks here; for a `Value` it changes nothing)
            return try CallTool.Result(
                content: [.text(text: Self.json(answer), annotations: nil, _meta: nil)], structuredContent: answer)
        } catch {
            let refusal = APIError(error)
            let lines =
                refusal.fields.isEmpty
                ? [refusal.status.code >= 500 ? "The tool failed: \(refusal.message)" : refusal.message]
                : ["The arguments were not accepted:"] + refusal.fields.map { "- \($0.field): \($0.message)" }
            return CallTool.Result(
                content: [.text(text: lines.joined(separator: "\n"), annotations: nil, _meta: nil)], isError: true)
        }
    }

    static func json(_ value: Value) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        value.writeJSON(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A tool's arguments, read with the REST API's own readers: the same fields, rules and messages.
struct MCPArguments: Sendable {
    let values: [String: Value]

    init(_ values: [String: Value]) {
        self.values = values
    }

    /// The arguments but `excluding`, decoded as the API decodes a request body of type `T`.
    func body<T: Decodable>(as type: T.Type, excluding: Set<String> = []) throws -> T {
        let object = Value.object(self.values.filter { !excluding.contains($0.key) })
        let data = try JSONEncoder().encode(object)
        return try Request.decodeJSON(as: T.self, from: ByteBuffer(bytes: data))
    }

    /// A required id argument, of the kind `T` reads (`lead_…`, `cli_…`).
    func id<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        guard case .string(let text)? = self.values[name], !text.isEmpty else {
            throw ValidationFailure(field: name, message: "is required: the id as the search tools give it")
        }
        guard let id = try? JSONDecoder().decode(T.self, from: JSONEncoder().encode(text)) else {
            throw ValidationFailure(field: name, message: "is not an id of this kind")
        }
        return id
    }

    /// A search's query, read by the list endpoint's own reader `read` from the arguments turned into its query
    /// parameters (`names`: argument → parameter), each as text. `limit` defaults to 20 and is at most 50;
    /// `cursor` is where the page starts. Every problem, the reader's and these, is reported together.
    func query<Query>(_ names: [String: String], read: (Parameters) throws -> Query) throws -> Query {
        var errors = FieldErrorCollector()
        var parameters = Parameters()
        for (argument, parameter) in names {
            guard let value = self.values[argument], value != .null else { continue }
            switch value {
            case .string(let text): parameters[Substring(parameter)] = Substring(text)
            case .int(let number): parameters[Substring(parameter)] = Substring(String(number))
            case .bool(let flag): parameters[Substring(parameter)] = Substring(String(flag))
            default: errors.add(argument, "must be a string")
            }
        }
        switch self.values["limit"] {
        case nil, .null?: parameters["limit"] = "20"
        case .int(let limit)? where (1...50).contains(limit): parameters["limit"] = Substring(String(limit))
        default: errors.add("limit", "must be a whole number from 1 to 50")
        }
        switch self.values["cursor"] {
        case nil, .null?: break
        case .string(let text)? where Int(text).map({ (0...1_000_000).contains($0) }) == true:
            parameters["offset"] = Substring(text)
        default: errors.add("cursor", "must be a nextCursor a search answered")
        }
        for name in Set(self.values.keys).subtracting(names.keys).subtracting(["limit", "cursor"]).sorted() {
            errors.add(name, "is not an argument of this tool")
        }
        do {
            let query = try read(parameters)
            try errors.throwIfAny()
            return query
        } catch let failure as ValidationFailure {
            for field in failure.fields { errors.add(field.field, field.message) }
            try errors.throwIfAny()
            throw failure
        }
    }
}

extension Value {
    /// `value` as the REST API writes it (its own encoder: dates as ISO 8601, money as exact decimals).
    static func encoding<T: Encodable>(_ value: T) throws -> Value {
        try Self.reading(LeadlightJSON.encoder().encode(value))
    }

    /// A JSON text as a `Value`, read by our own reader. (The SDK's `Value` decoder compiles a regular
    /// expression for every string it reads, to spot `data:` URLs: most of a search's time went there.)
    static func reading(_ json: Data) throws -> Value {
        Value(json: try json.withUnsafeBytes { try JSONValue.document($0) }.root)
    }

    init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .string(let text): self = .string(text)
        case .number(let text):
            if let whole = Int(text) {
                self = .int(whole)
            } else if let number = Double(text), number.isFinite {
                self = .double(number)
            } else {
                self = .string(text)  // beyond Double (1e400): left as written, for the field's check to refuse
            }
        case .array(let items): self = .array(items.map(Value.init(json:)))
        case .object(let members):
            var object: [String: Value] = [:]
            for (key, value) in members { object[key] = Value(json: value) }  // the last of a repeated key
            self = .object(object)
        }
    }

    /// The value as JSON text, keys sorted, written directly. (Foundation's `JSONEncoder` took most of a search's
    /// time with the SDK's `Value`: a generic container per value.) Only a `.data` value, which JSON cannot hold
    /// as such, is written as the `data:` URL the SDK would write.
    func writeJSON(into bytes: inout [UInt8]) {
        switch self {
        case .null: bytes += "null".utf8
        case .bool(let flag): bytes += (flag ? "true" : "false").utf8
        case .int(let number): bytes += String(number).utf8
        case .double(let number): bytes += (number.isFinite ? "\(number)" : "null").utf8
        case .string(let text): Self.writeString(text, into: &bytes)
        case .data(let mimeType, let data):
            Self.writeString(
                "data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())", into: &bytes)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                item.writeJSON(into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                object[key]!.writeJSON(into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    static func writeString(_ text: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += #"\""#.utf8
            case UInt8(ascii: "\\"): bytes += #"\\"#.utf8
            case UInt8(ascii: "\n"): bytes += #"\n"#.utf8
            case UInt8(ascii: "\r"): bytes += #"\r"#.utf8
            case UInt8(ascii: "\t"): bytes += #"\t"#.utf8
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += #"\u00"#.utf8
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
