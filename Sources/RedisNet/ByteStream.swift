/// A connected byte stream under a `Connection`: a plain socket, or TLS over one (or, in the
/// tests, a scripted server in memory).
package protocol ByteStream: AnyObject {
    /// The descriptor to poll.
    var descriptor: Int32 { get }
    /// Bytes already decrypted and waiting (TLS): poll would not report them.
    var hasBufferedInput: Bool { get }
    /// Reads what is available: `.done(0)` at end of stream, `.wouldBlock` when nothing is.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(NetError) -> SystemCallResult
    /// Writes what the stream takes now; `.wouldBlock` when it takes nothing.
    func write(_ buffer: UnsafeRawBufferPointer) throws(NetError) -> SystemCallResult
    /// True when the peer has closed the stream (checked without waiting or consuming data).
    func isClosedWhileIdle() -> Bool
}

/// A plain socket as a byte stream.
final class PlainStream: ByteStream {
    private let socket: Socket

    init(_ socket: Socket) {
        self.socket = socket
    }

    var descriptor: Int32 { socket.fd }
    var hasBufferedInput: Bool { false }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(NetError) -> SystemCallResult {
        do {
            return try socket.read(into: buffer)
        } catch {
            throw isPeerGone(error.code) ? .closed : .io(error)
        }
    }

    func write(_ buffer: UnsafeRawBufferPointer) throws(NetError) -> SystemCallResult {
        do {
            return try socket.write(buffer)
        } catch {
            throw isPeerGone(error.code) ? .closed : .io(error)
        }
    }

    func isClosedWhileIdle() -> Bool {
        guard !Reactor.readinessNow(socket.fd, .read).isEmpty else { return false }
        var byte: UInt8 = 0
        let n = recv(socket.fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return !(n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)))
    }
}
