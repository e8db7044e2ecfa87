import Foundation
import Glibc

/// A one-connection TCP server on 127.0.0.1 that answers whatever it is sent with canned
/// bytes. Only for replies a real server never sends (hostile or malformed input).
final class FakeServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32

    /// Listens; on the first connection reads once, writes `reply`, then keeps the connection
    /// open for `holdOpen` seconds (so rcli sees what it was sent, not an early close).
    convenience init(reply: [UInt8], holdOpen: Double = 0) throws {
        try self.init(replyFor: { _ in reply }, holdOpen: holdOpen)
    }

    /// The same, with a reply that may mention the server's own port.
    init(replyFor makeReply: (Int) -> [UInt8], holdOpen: Double = 0) throws {
        (listener, port) = try listenOnLoopback(backlog: 8)
        let listener = self.listener
        let reply = makeReply(port)
        let fd = listener
        Thread.detachNewThread {
            let conn = accept(fd, nil, nil)
            guard conn >= 0 else { return }
            var buf = [UInt8](repeating: 0, count: 65536)
            _ = read(conn, &buf, buf.count)
            var sent = 0
            while sent < reply.count {
                let n = reply[sent...].withUnsafeBytes { write(conn, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                sent += n
            }
            if holdOpen > 0 { usleep(UInt32(holdOpen * 1_000_000)) }
            close(conn)
        }
    }

    deinit {
        close(listener)
    }
}

/// A TCP listener on 127.0.0.1 at a free port: its descriptor and the port.
func listenOnLoopback(backlog: Int32) throws -> (fd: Int32, port: Int) {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var one: Int32 = 1
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(4))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, len) }
    }
    guard bound == 0, listen(listener, backlog) == 0 else {
        close(listener)
        throw POSIXError(.EADDRINUSE)
    }
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) }
    }
    return (listener, Int(UInt16(bigEndian: addr.sin_port)))
}
