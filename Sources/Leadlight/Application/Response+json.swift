import Hummingbird
import NIOCore

extension Response {
    /// JSON the server wrote itself (with `JSONWriter`, or kept from an earlier answer), as the API answers.
    static func json(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }
}
