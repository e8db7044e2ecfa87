import RESP
import RedisNet

/// One connection to a scripted node, in memory: what the client writes is parsed into commands
/// and handed to the node as it arrives; what the node answers waits here to be read. Its
/// descriptor is negative (poll ignores it), so the reactor sees it only through
/// `hasBufferedInput`, as it sees decrypted TLS bytes.
final class ScriptedStream: ByteStream {
    let descriptor: Int32
    /// Commands as they arrive, and the answers go back through `answer`.
    private let take: (_ args: [String], _ stream: ScriptedStream) -> Void
    private var inbound: [UInt8] = []
    private var parser = RESPParser()
    /// Answers kept back while the node is held (`ScriptedCluster.hold`).
    private var held: [UInt8] = []
    /// The node closed the connection: reads end once what it had said is read.
    private(set) var closedByPeer = false

    init(descriptor: Int32, take: @escaping (_ args: [String], _ stream: ScriptedStream) -> Void) {
        self.descriptor = descriptor
        self.take = take
    }

    var hasBufferedInput: Bool { !inbound.isEmpty || closedByPeer }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(NetError) -> SystemCallResult {
        guard !inbound.isEmpty else { return closedByPeer ? .done(0) : .wouldBlock }
        let n = min(buffer.count, inbound.count)
        buffer.copyBytes(from: inbound[..<n])
        inbound.removeFirst(n)
        return .done(n)
    }

    func write(_ buffer: UnsafeRawBufferPointer) throws(NetError) -> SystemCallResult {
        if closedByPeer { throw .closed }
        parser.append(buffer)
        while case .some(.array(let items)) = try? parser.nextValue() {
            take(items.map { String(decoding: $0.stringBytes ?? [], as: UTF8.self) }, self)
        }
        return .done(buffer.count)
    }

    func isClosedWhileIdle() -> Bool { closedByPeer && inbound.isEmpty }

    /// Sends `value` back (kept back while `holding`).
    func answer(_ value: RESPValue, holding: Bool) {
        if holding {
            Self.encode(value, into: &held)
        } else {
            Self.encode(value, into: &inbound)
        }
    }

    /// Sends what was kept back.
    func release() {
        inbound += held
        held = []
    }

    /// The node closes the connection; what it kept back is never sent.
    func closeByPeer() {
        closedByPeer = true
        held = []
    }

    /// `value` in RESP2 (what the scripted nodes answer with).
    static func encode(_ value: RESPValue, into out: inout [UInt8]) {
        func line(_ prefix: String, _ text: [UInt8]) {
            out += Array(prefix.utf8) + text + [13, 10]
        }
        switch value {
        case .simpleString(let s): line("+", s)
        case .error(let s): line("-", s)
        case .integer(let n): line(":", Array(String(n).utf8))
        case .bulkString(let b):
            line("$", Array(String(b.count).utf8))
            out += b + [13, 10]
        case .array(let items):
            line("*", Array(String(items.count).utf8))
            for item in items { encode(item, into: &out) }
        default:
            line("$", Array("-1".utf8))
        }
    }
}
