import Foundation
import Glibc
import RESP
import RedisNet

/// A stand-in for a proxy, or a managed endpoint that renames or blocks `CLUSTER`: every
/// `CLUSTER` subcommand is refused (`-ERR unexpected command CLUSTER SHARDS`), a command for
/// which `redirect` returns a text gets that text as an error reply (`MOVED 866 127.0.0.1:7000`,
/// `ASK ...`), and anything else is forwarded to the real server at `upstream` (when there is
/// one) and its reply relayed. Only what a real server never does is faked here.
final class ClusterlessProxy: @unchecked Sendable {
    /// What the proxy does with a `CLUSTER` command.
    enum OnCluster: Sendable {
        /// An error reply; the connection stays.
        case refuse
        /// An error reply, then the connection is closed (a hardened endpoint, a recording fake).
        case refuseAndClose
        /// The connection is closed without a reply.
        case close
        /// No reply, ever (a half-dead proxy): the connection stays open.
        case silent
    }

    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var seenCommands: [[String]] = []

    /// Commands the proxy was sent so far (name and arguments).
    var seen: [[String]] {
        lock.lock()
        defer { lock.unlock() }
        return seenCommands
    }

    init(upstream: Int?, onCluster: OnCluster = .refuse, redirect: @escaping @Sendable ([String]) -> String?) throws {
        (listener, port) = try listenOnLoopback(backlog: 16)
        let listener = self.listener
        Thread.detachNewThread { [self] in
            while true {
                let conn = accept(listener, nil, nil)
                guard conn >= 0 else { return }
                Thread.detachNewThread { [self] in
                    serve(conn, upstream: upstream, onCluster: onCluster, redirect: redirect)
                }
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve(_ fd: Int32, upstream: Int?, onCluster: OnCluster, redirect: ([String]) -> String?) {
        defer { close(fd) }
        let real = upstream.flatMap { try? Connection(endpoint: .tcp(host: "127.0.0.1", port: $0), connectTimeout: 5) }
        var parser = RESPParser()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { return }
            parser.append(buffer[0..<n])
            while case .array(let items)? = try? parser.nextValue() {
                let args = items.map { $0.stringBytes ?? [] }
                let words = args.map { String(decoding: $0, as: UTF8.self) }
                lock.lock()
                seenCommands.append(words)
                lock.unlock()
                var reply: [UInt8]
                let isCluster = words.first?.lowercased() == "cluster"
                if isCluster && onCluster == .close { return }
                if isCluster && onCluster == .silent { continue }
                if isCluster {
                    reply = Array(
                        "-ERR unexpected command CLUSTER \(words.dropFirst().first?.uppercased() ?? "")\r\n".utf8)
                } else if let error = redirect(words) {
                    reply = Array("-\(error)\r\n".utf8)
                } else if let real, let value = try? real.roundTrip(args, deadline: monotonicSeconds() + 5) {
                    reply = []
                    Self.encode(value, into: &reply)
                } else if words.first?.lowercased() == "ping" {
                    reply = Array("+PONG\r\n".utf8)
                } else {
                    reply = Array("-ERR no upstream\r\n".utf8)
                }
                var sent = 0
                while sent < reply.count {
                    let w = reply[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    if w <= 0 { return }
                    sent += w
                }
                if isCluster && onCluster == .refuseAndClose { return }
            }
        }
    }

    /// RESP2 bytes for a reply (what a RESP2 client is sent).
    static func encode(_ value: RESPValue, into out: inout [UInt8]) {
        func line(_ prefix: String, _ bytes: [UInt8]) {
            out += Array(prefix.utf8) + bytes + [13, 10]
        }
        switch value {
        case .simpleString(let s): line("+", s)
        case .error(let s): line("-", s)
        case .integer(let n): line(":", Array("\(n)".utf8))
        case .bulkString(let s), .verbatim(_, let s):
            line("$", Array("\(s.count)".utf8))
            out += s + [13, 10]
        case .double(let s), .bigNumber(let s):
            line("$", Array("\(s.count)".utf8))
            out += s + [13, 10]
        case .boolean(let b): line(":", Array((b ? "1" : "0").utf8))
        case .null: line("$", Array("-1".utf8))
        case .array(let items), .set(let items), .push(let items), .map(let items):
            line("*", Array("\(items.count)".utf8))
            for item in items { encode(item, into: &out) }
        }
    }
}
