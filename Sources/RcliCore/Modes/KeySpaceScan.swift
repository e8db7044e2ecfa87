import RESP
import RedisNet

/// SCAN over whole servers, batch by batch: what `--scan`, `--bigkeys`, `--memkeys` and
/// `--hotkeys` share. With `-c` the nodes are every master (or, with `--replica-reads`, a
/// replica of each shard where one is known).
struct KeySpaceScan {
    let pattern: [UInt8]?
    let count: Int

    init(_ config: CLIConfiguration) {
        pattern = config.scanPattern
        count = config.scanCount ?? 1000
    }

    /// The servers that together hold the key space, with a label for reports.
    static func nodes(session: Session, cluster: ClusterPool?, replicas: Bool) -> [(session: Session, label: String)] {
        guard let cluster else { return [(session, "")] }
        return cluster.router.map.shards.map { shard in
            let node = replicas ? (shard.replicas.first ?? shard.master) : shard.master
            let readOnly = replicas && node != shard.master
            return (cluster.template.forNode(host: node.host, port: node.port, readOnly: readOnly),
                    "\(node.host):\(node.port)")
        }
    }

    /// Calls `body` with each batch of keys SCAN returns from `session`, and the connection
    /// (for pipelined follow-up commands), until the cursor comes back to 0.
    func forEachBatch(_ session: Session,
                      _ body: (Connection, [[UInt8]]) throws(ModeFailure) -> Void) throws(ModeFailure) {
        var cursor: [UInt8] = Array("0".utf8)
        repeat {
            var args: [[UInt8]] = [Array("SCAN".utf8), cursor]
            if let pattern { args += [Array("MATCH".utf8), pattern] }
            args += [Array("COUNT".utf8), Array(String(count).utf8)]
            let conn = try Self.connect(session)
            let reply = try Self.call(conn, args)
            if case .error(let msg) = reply { throw ModeFailure("Error: " + String(decoding: msg, as: UTF8.self)) }
            guard case .array(let parts) = reply, parts.count == 2, let next = parts[0].stringBytes,
                  case .array(let items) = parts[1] else {
                throw ModeFailure("Error: unexpected reply to SCAN")
            }
            try body(conn, items.compactMap(\.stringBytes))
            cursor = next
        } while cursor != Array("0".utf8)
    }

    /// The session's connection, or its failure as a `ModeFailure`.
    static func connect(_ session: Session) throws(ModeFailure) -> Connection {
        do {
            return try session.connect()
        } catch {
            throw ModeFailure(error.message)
        }
    }

    /// One round trip.
    static func call(_ conn: Connection, _ args: [[UInt8]]) throws(ModeFailure) -> RESPValue {
        do {
            return try conn.roundTrip(args)
        } catch {
            throw ModeFailure("Error: " + error.description)
        }
    }

    /// Sends every command at once and returns the replies in order.
    static func pipeline(_ conn: Connection, _ commands: [[[UInt8]]]) throws(ModeFailure) -> [RESPValue] {
        do {
            for c in commands { conn.enqueue(c) }
            try conn.flush(wait: true)
            var replies: [RESPValue] = []
            replies.reserveCapacity(commands.count)
            for _ in commands { replies.append(try conn.nextValue()) }
            return replies
        } catch {
            throw ModeFailure("Error: " + error.description)
        }
    }
}
