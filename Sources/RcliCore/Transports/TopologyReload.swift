import Cluster
import RESP
import RedisNet

/// A topology reload as a request like any other: the sources are asked one after another on a
/// connection of the reload's own, made and read from the engine's wait loop (`SessionConnect`,
/// then `TopologyQuery`'s requests), so the commands of the healthy shards keep flowing while a
/// source is slow. A source that cannot be connected to (its connect has `-t`, its handshake
/// `-t` or else `--reply-timeout`) is passed over; one that, once connected, does not answer
/// within `timeout` (or refuses, or says something malformed) is reported and the next is
/// tried. Each reload opens its own connection (the handshake is sent again).
final class TopologyReload {
    /// How a reload ended.
    enum Outcome {
        /// `node` told the map.
        case loaded(SlotMap, from: NodeAddress)
        /// No source answered.
        case noneAnswered
    }

    /// How long a source has to answer, once connected (seconds).
    static let timeout = 2.0

    private var sources: [NodeAddress]
    private let makeSession: (NodeAddress) -> Session
    private let connector: SessionConnector
    private let report: ((String) -> Void)?
    private var node: NodeAddress?
    private var session: Session?
    private var connect: (any SessionConnecting)?
    private var query: TopologyQuery?
    private var builder = RESPValueBuilder()
    private var deadline = 0.0

    /// A reload that asks `sources` in order, on sessions `makeSession` makes and `connector`
    /// connects; `report` gets the `--verbose` line of each source that fails to answer.
    init(
        sources: [NodeAddress], makeSession: @escaping (NodeAddress) -> Session,
        connector: @escaping SessionConnector, report: ((String) -> Void)?
    ) {
        self.sources = sources.reversed()
        self.makeSession = makeSession
        self.connector = connector
        self.report = report
    }

    /// Starts with the first source: the outcome when it is known at once.
    func start(now: Double) -> Outcome? {
        nextSource(now: now)
    }

    /// The descriptors to wait on now, and for what.
    var waits: [(fd: Int32, interest: Interest)] {
        if let connect { return connect.waits }
        guard let conn = session?.connection else { return [] }
        return [(conn.descriptor, conn.hasPendingOutput ? [.read, .write] : .read)]
    }

    /// When `advance` must be called even if nothing is ready.
    var nextDeadline: Double? {
        if let connect { return connect.nextDeadline }
        return session?.connection == nil ? nil : deadline
    }

    /// Goes on with what `waits` were found ready for and the time: the outcome once known.
    func advance(_ ready: [Int32: Readiness], now: Double) -> Outcome? {
        if let connect {
            do throws(RcliError) {
                guard try connect.advance(ready, now: now) else { return nil }
            } catch {
                // Not connected: passed over, as a blocking reload always did.
                self.connect = nil
                return nextSource(now: now)
            }
            self.connect = nil
            return ask(now: now)
        }
        return read(now: now)
    }

    /// Gives the reload up (Ctrl-C, a new seed).
    func cancel() {
        connect?.cancel()
        connect = nil
        session?.disconnect()
        session = nil
    }

    private func nextSource(now: Double) -> Outcome? {
        session?.disconnect()
        session = nil
        while let node = sources.popLast() {
            let session = makeSession(node)
            self.node = node
            self.session = session
            do throws(RcliError) {
                let connect = try connector(session)
                if try connect.start(now: now) { return ask(now: now) }
                self.connect = connect
                return nil
            } catch {
                continue
            }
        }
        session = nil
        return .noneAnswered
    }

    private func ask(now: Double) -> Outcome? {
        guard let conn = session?.connection, let node else { return nextSource(now: now) }
        let query = TopologyQuery(seedHost: node.host, endpoint: conn.endpoint)
        self.query = query
        builder = RESPValueBuilder()
        deadline = now + Self.timeout
        conn.enqueue(query.first)
        return read(now: now)
    }

    private func read(now: Double) -> Outcome? {
        guard let conn = session?.connection, var query, let node else { return nextSource(now: now) }
        var result: Result<SlotMap, RcliError>?
        do throws(NetError) {
            try conn.readReplies(&builder) { (reply) throws(NetError) -> Bool in
                switch query.take(reply) {
                case .send(let next):
                    conn.enqueue(next)
                    try conn.flush(wait: false)
                    return true
                case .done(let r):
                    result = r
                    return false
                }
            }
        } catch {
            result = query.failed(error)
        }
        self.query = query
        if result == nil && deadline <= now {
            result = query.failed(.timeout("no reply from \(conn.endpoint) in time"))
        }
        switch result {
        case nil:
            return nil
        case .success(let map):
            session?.disconnect()
            session = nil
            return .loaded(map, from: node)
        case .failure(let e):
            report?(e.text)
            return nextSource(now: now)
        }
    }
}
