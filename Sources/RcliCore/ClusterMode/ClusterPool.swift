import Cluster
import RESP
import RedisNet

/// One node's connection in cluster mode, with the commands in flight on it, in order.
final class ClusterLink {
    /// One reply the link is waiting for.
    struct Waiting {
        /// The command it answers; nil for rcli's own (ASKING, MULTI sent late, state replays).
        let entry: ClusterEntry?
        /// Where the command starts in the connection's byte stream (never sent when at or past
        /// `bytesWritten`).
        let start: Int
    }

    /// The node.
    let node: NodeAddress
    /// Its session (credentials, protocol, READONLY ...).
    let session: Session
    private var waiting = FIFO<Waiting>()
    private var builder = RESPValueBuilder()
    /// SUBSCRIBE/MONITOR ran here: further messages are printed as they come.
    var streaming = false

    init(node: NodeAddress, session: Session) {
        self.node = node
        self.session = session
    }

    /// The open connection, nil when not connected.
    var connection: Connection? { session.connection }

    /// Replies still expected.
    var waitingCount: Int { waiting.count }

    /// When the link last made progress (a reply arrived, or it went from idle to busy).
    var lastProgress = 0.0

    /// True while it owes replies that should come soon: not a subscription, not a blocking
    /// command (BLPOP, WAIT, XREAD BLOCK ...) at the head.
    var expectsPromptReply: Bool {
        guard !streaming, let next = nextWaiting else { return false }
        return !(next.entry?.isBlocking ?? false)
    }

    /// Queues a command; the connection must be open.
    func send(_ args: [[UInt8]], for entry: ClusterEntry?) {
        guard let conn = session.connection else { return }
        if waitingCount == 0 { lastProgress = monotonicSeconds() }
        waiting.append(Waiting(entry: entry, start: conn.bytesQueued))
        conn.enqueue(args)
    }

    /// The oldest reply still expected.
    func popWaiting() -> Waiting? {
        guard let w = waiting.pop() else { return nil }
        lastProgress = monotonicSeconds()
        return w
    }

    /// The command the next reply answers, without taking it.
    var nextWaiting: Waiting? { waiting.first }

    /// Everything still expected, and the connection dropped.
    func abandon() -> [Waiting] {
        let rest = waiting.drain()
        builder = RESPValueBuilder()
        session.disconnect()
        return rest
    }

    /// The next whole value already received, if any.
    func nextValue() throws(NetError) -> RESPValue? {
        guard let conn = session.connection else { return nil }
        while let event = try conn.bufferedEvent() {
            if let value = builder.feed(event) { return value }
        }
        return nil
    }
}

/// The connections and routing state of a `-c` run: one link per node, the router, the
/// transaction pin, and topology loading. Lives as long as the run (the shell keeps it across
/// lines).
package final class ClusterPool {
    /// Credentials and protocol every node's session starts from (never connected itself).
    let template: Session
    /// Slot map, redirects, retries, node health.
    var router: ClusterRouter
    /// Where MULTI/WATCH pinned the transaction.
    var transaction = ClusterTransaction()
    private var links: [NodeAddress: ClusterLink] = [:]
    private let report: ((String) -> Void)?
    private var lastReload = -1.0
    /// Connect timeout for nodes the cluster announces, when `-t` is not given (seconds).
    static let nodeConnectTimeout = 3.0
    /// Topology loads so far (for `--verbose`).
    private(set) var reloads = 0

    private init(template: Session, router: ClusterRouter, seedLink: ClusterLink, report: ((String) -> Void)?) {
        self.template = template
        self.router = router
        self.report = report
        links[seedLink.node] = seedLink
    }

    /// Connects to the seed and loads the topology. Nil when the seed is not a cluster node
    /// (cluster support disabled): the caller runs standalone.
    package static func open(session: Session, report: ((String) -> Void)?) throws(SessionError) -> ClusterPool? {
        let config = session.config
        let conn = try session.connect()
        let seedHost = config.socketPath == nil ? config.host : "127.0.0.1"
        let map: SlotMap
        switch loadMap(conn, seedHost: seedHost) {
        case .success(let m): map = m
        case .failure(let e) where e.message.contains("cluster support disabled"): return nil
        case .failure(let e): throw e
        }
        let seed = NodeAddress(host: config.host, port: config.port)
        var policy = ClusterRouter.Policy()
        policy.replicaReads = config.replicaReads
        var router = ClusterRouter(map: map, current: seed, seeds: [seed], policy: policy, natMap: config.natMap)
        if config.socketPath != nil || !router.map.nodes.contains(seed), let first = router.map.masters.first {
            router.served(by: first)
        }
        report?("topology from \(config.socketPath ?? seed.description): \(describe(router.map))")
        // Nodes other than the seed get a connect timeout even without -t: an announced address
        // that does not answer must not hold a run for the operating system's two minutes.
        let template = session.forNode(host: seed.host, port: seed.port, readOnly: false,
                                       connectTimeout: config.connectTimeout ?? ClusterPool.nodeConnectTimeout)
        return ClusterPool(template: template, router: router, seedLink: ClusterLink(node: seed, session: session), report: report)
    }

    private static func describe(_ map: SlotMap) -> String {
        let replicas = map.shards.reduce(0) { $0 + $1.replicas.count }
        var text = "\(map.masters.count) masters, \(replicas) replicas"
        if map.coveredSlots < HashSlot.count { text += ", \(HashSlot.count - map.coveredSlots) slots not served" }
        return text
    }

    /// CLUSTER SHARDS (or CLUSTER SLOTS on servers before 7.0) on `conn`.
    private static func loadMap(_ conn: Connection, seedHost: String, within seconds: Double = 5) -> Result<SlotMap, SessionError> {
        let deadline = monotonicSeconds() + seconds
        do {
            var reply = try conn.roundTrip([Array("CLUSTER".utf8), Array("SHARDS".utf8)], deadline: deadline)
            var fromShards = true
            if case .error(let msg) = reply, String(decoding: msg, as: UTF8.self).lowercased().contains("unknown subcommand") {
                reply = try conn.roundTrip([Array("CLUSTER".utf8), Array("SLOTS".utf8)], deadline: deadline)
                fromShards = false
            }
            if case .error(let msg) = reply {
                return .failure(SessionError(message: "Error: cannot read the cluster topology from \(conn.endpoint): "
                                             + String(decoding: msg, as: UTF8.self)))
            }
            do {
                return .success(fromShards ? try Topology.fromShards(reply, seedHost: seedHost) : try Topology.fromSlots(reply, seedHost: seedHost))
            } catch {
                return .failure(SessionError(message: "Error: \(conn.endpoint): \(error.description)"))
            }
        } catch {
            return .failure(SessionError(message: "Error: cannot read the cluster topology from \(conn.endpoint): \(error.description)"))
        }
    }

    /// The link for `target`, connected (READONLY is made sure of for a replica).
    func link(for target: RouteTarget) throws(SessionError) -> ClusterLink {
        let link: ClusterLink
        if let existing = links[target.node] {
            link = existing
        } else {
            link = ClusterLink(node: target.node, session: template.forNode(host: target.node.host, port: target.node.port, readOnly: target.replica))
            links[target.node] = link
        }
        if target.replica && !link.session.readsFromReplicas {
            link.session.apply(.readOnly(true))
            if link.connection != nil { link.send([Array("READONLY".utf8)], for: nil) }
        }
        if let conn = link.connection, link.waitingCount == 0, !link.streaming, !conn.hasPendingOutput, !conn.isOpen {
            // Closed while idle (the node died or timed the connection out): writing to it would
            // leave the command's fate unknown; a fresh connect either works or fails cleanly.
            _ = link.abandon()
        }
        if link.connection == nil { try link.session.connect() }
        return link
    }

    /// Every link (connected or not).
    var allLinks: Dictionary<NodeAddress, ClusterLink>.Values { links.values }

    /// Records a state change a command made (AUTH, HELLO, CLIENT SETNAME, READONLY) for every
    /// node: future connections get it in their handshake, open ones get the command replayed.
    func apply(_ change: SessionChange, args: [[UInt8]], servedBy node: NodeAddress) {
        template.apply(change)
        for link in links.values {
            link.session.apply(change)
            if link.node != node && link.connection != nil { link.send(args, for: nil) }
        }
    }

    /// Reloads the slot map from the best node that answers, at most every 100 ms.
    func reloadIfWanted(now: Double) {
        guard router.reloadWanted, now - lastReload >= 0.1 else { return }
        lastReload = now
        for node in router.reloadSources(now: now) {
            let idle = links[node].flatMap { $0.waitingCount == 0 && !$0.streaming && !($0.connection?.hasPendingOutput ?? true) ? $0 : nil }
            let session = idle?.session ?? template.forNode(host: node.host, port: node.port, readOnly: false)
            guard let conn = try? session.connect() else { continue }
            // Short: a hung node must not stall the run for long; the next source is tried.
            switch Self.loadMap(conn, seedHost: node.host, within: 2) {
            case .success(let map):
                router.install(map)
                reloads += 1
                report?("topology reloaded from \(node): \(Self.describe(router.map))")
                return
            case .failure(let e):
                report?(e.message)
                session.disconnect()
            }
        }
        router.reloadFailed()
        report?("topology reload failed: no node answered")
    }

    /// `connect host port` in cluster mode: a new seed; the old links are closed.
    func reseed(host: String, port: Int) throws(SessionError) {
        for link in links.values { _ = link.abandon() }
        links.removeAll()
        guard let fresh = try Self.open(session: template.forNode(host: host, port: port, readOnly: false), report: report) else {
            throw SessionError(message: "\(host):\(port) is not a cluster node (cluster support disabled)")
        }
        router = fresh.router
        links = fresh.links
        transaction = ClusterTransaction()
    }
}
