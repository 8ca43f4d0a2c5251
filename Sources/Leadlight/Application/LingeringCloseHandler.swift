import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Lets a client read an answer the server gave before it read the whole request, such as a 413 for a body over
/// the limit, as nginx's lingering close does.
///
/// Clients that write the whole body before they read (Python's `urllib`, with `Connection: close`) blocked in
/// their write until their own timeout: the server had answered and stopped reading, so the socket filled up and
/// the 413 was never read (issue 16). Closing at once is no better: unread bytes make the kernel reset the
/// connection, and a reset can destroy the answer in flight. So once such an answer is written, this handler says
/// `Connection: close`, reads and discards the rest of the request, and closes when the client has sent it all,
/// or after `limits` (time and bytes), whichever comes first.
final class LingeringCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// How much of an unread request is discarded, at most, before the connection is closed anyway.
    struct Limits: Sendable {
        var bytes = 128 << 20
        var time: TimeAmount = .seconds(10)
    }

    private let limits: Limits
    /// A request's head has arrived and its end has not.
    private var requestInProgress = false
    /// The answer to the current request was started before the request was read whole.
    private var answeredEarly = false
    /// The early answer is written: what is left of the request is read and thrown away.
    private var discarding = false
    private var discardedBytes = 0
    private var deadline: Scheduled<Void>?

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head:
            self.requestInProgress = true
        case .body(let buffer) where self.discarding:
            self.discardedBytes += buffer.readableBytes
            if self.discardedBytes > self.limits.bytes { context.close(promise: nil) }
            return
        case .end where self.discarding:
            // The client has sent everything: it can read the answer, and nothing unread makes the close a reset.
            self.requestInProgress = false
            context.close(promise: nil)
            return
        case .end:
            self.requestInProgress = false
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Nothing above reads any more; keep the bytes flowing so the client's write can finish.
        if self.discarding { context.read() }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .head(var head) where self.requestInProgress && head.status.kind != .informational:
            self.answeredEarly = true
            head.headerFields[.connection] = "close"
            context.write(self.wrapOutboundOut(.head(head)), promise: promise)
        case .end where self.answeredEarly:
            self.answeredEarly = false
            let written = promise ?? context.eventLoop.makePromise()
            context.write(data, promise: written)
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            written.futureResult.assumeIsolated().whenSuccess {
                let (handler, context) = loopBound.value
                handler.startDiscarding(context: context)
            }
        default:
            context.write(data, promise: promise)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.deadline?.cancel()
    }

    private func startDiscarding(context: ChannelHandlerContext) {
        guard self.requestInProgress, !self.discarding, context.channel.isActive else { return }
        self.discarding = true
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        self.deadline = context.eventLoop.assumeIsolated().scheduleTask(in: self.limits.time) {
            loopBound.value.close(promise: nil)
        }
        context.read()
    }
}
