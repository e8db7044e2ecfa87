import RESP
import RedisNet

/// SCAN over whole servers, batch by batch, and the pipelined batches of commands that follow
/// each one: what `--scan`, `--bigkeys`, `--memkeys`, `--keystats` and `--hotkeys` share. These
/// modes need a reply to build their next request (a cursor, a key's type), so they exchange
/// with one server at a time here instead of streaming through the run loop; the waits are the
/// reactor's. The servers are the transport's (`ServerDirectory.servers`): one, or with `-c`
/// every master (or, with `--replica-reads`, a replica of each shard where one is known).
struct KeySpaceScan {
    let pattern: [UInt8]?
    let count: Int

    init(_ config: CLIConfiguration, defaultCount: Int = 1000) {
        pattern = config.scanPattern
        count = config.scanCount ?? defaultCount
    }

    /// Calls `body` with each batch of keys SCAN returns from `session`, and the connection
    /// (for pipelined follow-up commands), until the cursor comes back to 0. With `prefetch`
    /// (for a body that sends nothing), the next SCAN goes out as soon as a reply's cursor is
    /// known, so the server works on the next batch while `body` prints this one.
    func forEachBatch(
        _ session: Session, prefetch: Bool = false,
        _ body: (Connection, [[UInt8]]) throws(RcliError) -> Void
    ) throws(RcliError) {
        try forEachBatch(session, from: Array("0".utf8), prefetch: prefetch) { conn, keys, _ throws(RcliError) in
            try body(conn, keys)
            return true
        }
    }

    /// The same from cursor `start`; `body` also gets the cursor to resume at after its batch,
    /// and returns false to stop.
    func forEachBatch(
        _ session: Session, from start: [UInt8], prefetch: Bool = false,
        _ body: (Connection, [[UInt8]], [UInt8]) throws(RcliError) -> Bool
    ) throws(RcliError) {
        var cursor = start
        var sent = false
        repeat {
            let conn = try session.connect()
            if !sent { try Self.send(conn, request(cursor), wait: true) }
            var next: [UInt8] = []
            let keys = try Self.receiveBatch(conn) { (c: [UInt8]) throws(RcliError) in
                next = c
                sent = prefetch && c != Array("0".utf8)
                if sent { try Self.send(conn, request(c), wait: false) }
            }
            guard try body(conn, keys, next) else { return }
            cursor = next
        } while cursor != Array("0".utf8)
    }

    /// Reads one SCAN reply event by event, handing over its cursor as soon as it arrives
    /// (before the keys are read), and returns the keys.
    private static func receiveBatch(
        _ conn: Connection,
        onCursor: ([UInt8]) throws(RcliError) -> Void
    ) throws(RcliError) -> [[UInt8]] {
        let unexpected = RcliError.mode("Error: unexpected reply to SCAN")
        let first = try event(conn)
        guard case .begin(.array, 2) = first else {
            var builder = RESPValueBuilder()
            var value = builder.feed(first)
            while value == nil { value = builder.feed(try event(conn)) }
            // redis-cli's words for a refused SCAN.
            if case .error(let msg) = value {
                throw RcliError.mode("SCAN error: " + String(decoding: msg, as: UTF8.self))
            }
            throw unexpected
        }
        guard case .scalar(let c) = try event(conn), let cursor = c.stringBytes else { throw unexpected }
        try onCursor(cursor)
        var builder = RESPValueBuilder()
        var value: RESPValue?
        repeat { value = builder.feed(try event(conn)) } while value == nil
        guard case .array(let items) = value, case .end = try event(conn) else { throw unexpected }
        return items.compactMap(\.stringBytes)
    }

    private static func event(_ conn: Connection) throws(RcliError) -> RESPEvent {
        try io { () throws(NetError) in
            // A request a non-blocking flush left half-written goes out first.
            if conn.hasPendingOutput { try conn.flush(wait: true) }
            return try conn.nextEvent()
        }
    }

    private func request(_ cursor: [UInt8]) -> [[UInt8]] {
        var args: [[UInt8]] = [Array("SCAN".utf8), cursor]
        if let pattern { args += [Array("MATCH".utf8), pattern] }
        return args + [Array("COUNT".utf8), Array(String(count).utf8)]
    }

    private static func send(_ conn: Connection, _ args: [[UInt8]], wait: Bool) throws(RcliError) {
        conn.enqueue(args)
        try io { () throws(NetError) in try conn.flush(wait: wait) }
    }

    /// One round trip.
    static func call(_ conn: Connection, _ args: [[UInt8]]) throws(RcliError) -> RESPValue {
        try io { () throws(NetError) in try conn.roundTrip(args) }
    }

    /// Sends every command at once and returns the replies in order.
    static func pipeline(_ conn: Connection, _ commands: [[[UInt8]]]) throws(RcliError) -> [RESPValue] {
        try io { () throws(NetError) in
            for c in commands { conn.enqueue(c) }
            try conn.flush(wait: true)
            var replies: [RESPValue] = []
            replies.reserveCapacity(commands.count)
            for _ in commands { replies.append(try conn.nextValue()) }
            return replies
        }
    }

    /// Network I/O, its failure as an `RcliError` ("Error: ..." and why).
    @discardableResult
    private static func io<T>(_ body: () throws(NetError) -> T) throws(RcliError) -> T {
        do {
            return try body()
        } catch {
            throw RcliError.network(error)
        }
    }
}
