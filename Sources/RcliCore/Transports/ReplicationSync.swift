import RESP
import RedisNet

/// The replication handshake `--rdb`, `--functions-rdb` and `--replica` share: REPLCONF
/// options, SYNC, the payload header (length-prefixed for a disk-based sync, an EOF mark for a
/// diskless one) and the payload itself, handed out in chunks.
struct ReplicationSync {
    /// How the server delimits the RDB payload.
    enum Payload {
        /// `$<length>`: exactly this many bytes.
        case length(Int)
        /// `$EOF:<40 bytes>`: the payload ends with these 40 bytes.
        case eofMark([UInt8])
    }

    let conn: Connection
    /// Seconds without a byte from the server (keepalive newlines count) before giving up;
    /// the server's own `repl-timeout` default.
    var idleTimeout = 60.0

    /// Sends each REPLCONF, then SYNC, and reads the payload header. A refused option fails
    /// only when `required` (older servers lack `rdb-only`, which is an optimisation). Each
    /// REPLCONF is announced on stderr as redis-cli does (`sending REPLCONF capa eof`).
    func start(replconf: [(option: [String], required: Bool)], output: OutputContext) throws(RcliError) -> Payload {
        do {
            for (option, required) in replconf {
                output.err.write("sending REPLCONF " + option.joined(separator: " ") + "\n")
                output.err.flush()
                let reply = try conn.roundTrip(
                    [Array("REPLCONF".utf8)] + option.map { Array($0.utf8) },
                    deadline: monotonicSeconds() + idleTimeout)
                if case .error(let msg) = reply, required {
                    throw RcliError.mode(
                        "The server refused REPLCONF rdb-filter-only (Redis 7.0 or later is needed): "
                            + String(decoding: msg, as: UTF8.self))
                }
            }
            conn.enqueueRaw(Array("SYNC\r\n".utf8))
            try conn.flush(wait: true)
            let line = try headerLine()
            if line.first == UInt8(ascii: "-") {
                throw RcliError.mode("SYNC with master failed: " + String(decoding: line, as: UTF8.self))
            }
            guard line.first == UInt8(ascii: "$") else {
                throw RcliError.mode("Unexpected reply to SYNC: " + Self.visible(line))
            }
            let body = line.dropFirst()
            if body.starts(with: Array("EOF:".utf8)) {
                let mark = Array(body.dropFirst(4))
                guard mark.count == 40 else {
                    throw RcliError.mode("Bad EOF mark in SYNC reply: " + Self.visible(line))
                }
                return .eofMark(mark)
            }
            guard let n = Int(String(decoding: body, as: UTF8.self)), n >= 0 else {
                throw RcliError.mode("Bad payload length in SYNC reply: " + Self.visible(line))
            }
            return .length(n)
        } catch let e as RcliError {
            throw e
        } catch let e as NetError {
            throw RcliError.network(e)
        } catch {
            throw RcliError.mode("Error: \(error)")
        }
    }

    /// Reads the payload to its end, giving each chunk to `sink` (which returns an error text
    /// to stop). Bytes after the payload stay in the connection. Returns the payload size.
    func readPayload(_ payload: Payload, into sink: ([UInt8]) -> String?) throws(RcliError) -> Int {
        var total = 0
        var received = 0
        do {
            switch payload {
            case .length(var left):
                while left > 0 {
                    let chunk = try conn.readRaw(max: min(left, 256 * 1024), deadline: monotonicSeconds() + idleTimeout)
                    left -= chunk.count
                    total += chunk.count
                    received += chunk.count
                    if let e = sink(chunk) { throw RcliError.mode(e) }
                }
            case .eofMark(let mark):
                // Hold back the last 39 bytes so a mark split across reads is still found.
                var pending: [UInt8] = []
                while true {
                    let chunk = try conn.readRaw(max: 256 * 1024, deadline: monotonicSeconds() + idleTimeout)
                    received += chunk.count
                    pending += chunk
                    if let at = Self.find(mark, in: pending) {
                        let body = Array(pending[..<at])
                        conn.unread(Array(pending[(at + mark.count)...]))
                        total += body.count
                        if !body.isEmpty, let e = sink(body) { throw RcliError.mode(e) }
                        return total
                    }
                    let keep = min(pending.count, mark.count - 1)
                    let ready = Array(pending[..<(pending.count - keep)])
                    pending.removeFirst(pending.count - keep)
                    total += ready.count
                    if !ready.isEmpty, let e = sink(ready) { throw RcliError.mode(e) }
                }
            }
        } catch let e as RcliError {
            throw e
        } catch let e as NetError {
            if case .closed = e {
                throw RcliError.mode(
                    "I/O Error reading RDB payload from socket: the server closed the connection "
                        + "after \(received) bytes"
                )
            }
            throw RcliError.mode("I/O Error reading RDB payload from socket: " + e.description)
        } catch {
            throw RcliError.mode("Error: \(error)")
        }
        return total
    }

    /// The SYNC reply's first line, skipping the newlines a master sends while it prepares
    /// the payload.
    private func headerLine() throws(NetError) -> [UInt8] {
        var line: [UInt8] = []
        while true {
            let chunk = try conn.readRaw(max: 4096, deadline: monotonicSeconds() + idleTimeout)
            var i = 0
            while i < chunk.count {
                let b = chunk[i]
                i += 1
                if b == 10 {
                    if line.isEmpty || line == [13] {
                        line = []
                        continue
                    }
                    if line.last == 13 { line.removeLast() }
                    conn.unread(Array(chunk[i...]))
                    return line
                }
                line.append(b)
                if line.count > 1024 { throw .protocolViolation(.missingCRLF) }
            }
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    private static func visible(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        Escaping.appendRepr(bytes.prefix(80), to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
