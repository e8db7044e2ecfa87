import RESP
import RedisNet

/// The replication handshake `--rdb`, `--functions-rdb` and `--replica` share: REPLCONF
/// options, SYNC, the payload header (length-prefixed for a disk-based sync, an EOF mark for a
/// diskless one) and the payload itself, handed out in chunks. The bytes are read by
/// ReplicationStream (no I/O; fuzzed); this type only moves them.
struct ReplicationSync {
    /// How the server delimits the RDB payload.
    typealias Payload = ReplicationStream.Payload

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
            var stream = ReplicationStream()
            while true {
                let chunk = try conn.readRaw(max: 4096, deadline: monotonicSeconds() + idleTimeout)
                let (events, rest) = try stream.feed(chunk[...])
                guard case .header(let payload)? = events.first else { continue }
                conn.unread(Array(rest))
                return payload
            }
        } catch let e as ReplicationStream.Failure {
            switch e {
            case .refused(let line):
                let reason = String(decoding: line, as: UTF8.self)
                throw RcliError.mode("SYNC with \(Voice.current.primary) failed: " + reason)
            case .unexpected(let line): throw RcliError.mode("Unexpected reply to SYNC: " + Self.visible(line))
            case .badEOFMark(let line): throw RcliError.mode("Bad EOF mark in SYNC reply: " + Self.visible(line))
            case .badLength(let line): throw RcliError.mode("Bad payload length in SYNC reply: " + Self.visible(line))
            case .headerTooLong: throw RcliError.network(.protocolViolation(.missingCRLF))
            }
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
            var stream = ReplicationStream(payload: payload)
            while !stream.isFinished {
                var want = 256 * 1024
                if case .length(let n) = payload { want = min(want, n - total) }
                let chunk = try conn.readRaw(max: want, deadline: monotonicSeconds() + idleTimeout)
                received += chunk.count
                // A payload event never follows the end, so the rest is what comes after it.
                let (events, rest) = try stream.feed(chunk[...])
                for case .payload(let body) in events {
                    total += body.count
                    if let e = sink(body) { throw RcliError.mode(e) }
                }
                if stream.isFinished { conn.unread(Array(rest)) }
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

    private static func visible(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        Escaping.appendRepr(bytes.prefix(80), to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
