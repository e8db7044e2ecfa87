import Cluster
import RESP
import RedisNet

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
    /// Key positions of the commands the committed table lacks, learnt from the cluster.
    let keyBook = CommandKeyBook()
    private var links: [NodeAddress: ClusterLink] = [:]
    /// How links (and topology reloads) connect: over sockets, or scripted in the tests.
    private let connector: SessionConnector
    private let report: ((String) -> Void)?
    private var lastReload = -1.0
    /// The reload under way, and its descriptors in the engine's reactor.
    private var reload: TopologyReload?
    private var reloadWatch = DescriptorWatch()
    /// Connect timeout for nodes the cluster announces, when `-t` is not given (seconds).
    static let nodeConnectTimeout = 3.0
    /// The node a SHUTDOWN stopped, until it answers again (the shell is `not connected`).
    var shutDown: NodeAddress?
    /// Topology loads so far (for `--verbose`).
    private(set) var reloads = 0

    private convenience init(
        template: Session, router: ClusterRouter, seedLink: ClusterLink, report: ((String) -> Void)?
    ) {
        self.init(template: template, router: router, connector: SessionConnect.overSockets, report: report)
        links[seedLink.node] = seedLink
        if seedLink.connection != nil { seedLink.selectedDatabase = seedLink.session.database }
    }

    /// A pool over a slot map already known, without links yet: each node's link is made and
    /// connected through `connector` when a command first goes there (the tests drive the
    /// transport over scripted connections this way, without sockets).
    init(template: Session, router: ClusterRouter, connector: @escaping SessionConnector, report: ((String) -> Void)?) {
        self.template = template
        self.router = router
        self.connector = connector
        self.report = report
    }

    /// Connects to the seed and loads the topology. Nil when the seed is not a cluster node
    /// (cluster support disabled): the caller runs standalone.
    /// A seed that connects but will not tell the topology (a proxy, a service that renames or
    /// blocks `CLUSTER`, with an error, by closing the connection or by not answering) gives a
    /// pool that follows redirects; `noticeFallback` says so once. A malformed topology stays an
    /// error: the seed is not what it seems.
    package static func open(
        session: Session, policy: ClusterRouter.Policy, natMap: NatMap,
        report: ((String) -> Void)?, noticeFallback: ((String) -> Void)? = nil
    ) throws(RcliError) -> ClusterPool? {
        let config = session.settings
        let conn = try session.connect()
        let seedHost = config.socketPath == nil ? config.host : "127.0.0.1"
        var map = SlotMap(shards: [])
        var known = true
        switch loadMap(conn, seedHost: seedHost) {
        case .success(let m): map = m
        case .failure(.notACluster): return nil
        case .failure(.topology(_, let why)) where why.meansFollowRedirects:
            // Refused, closed or not answered in time: send the commands to the seed and follow
            // the redirects they get, as redis-cli does. After a lost or unanswered request, on a
            // fresh connection: the old one may be closed, or owe the late reply.
            known = false
            if case .unreachable = why { session.disconnect() }
            let line = "-c: topology unavailable (\(why.summary)); following redirects"
            report?(line)
            if report == nil { noticeFallback?(line) }
        case .failure(let e): throw e
        }
        let seed = NodeAddress(host: config.host, port: config.port)
        var router = ClusterRouter(
            map: map, current: seed, seeds: [seed], policy: policy, natMap: natMap, topologyKnown: known)
        if config.socketPath != nil || !router.map.nodes.contains(seed), let first = router.map.masters.first {
            router.served(by: first)
        }
        if known { report?("topology from \(config.socketPath ?? seed.description): \(describe(router.map))") }
        // Nodes other than the seed get a connect timeout even without -t: an announced address
        // that does not answer must not hold a run for the operating system's two minutes.
        let template = session.forNode(
            host: seed.host, port: seed.port, readOnly: false,
            connectTimeout: config.connectTimeout ?? ClusterPool.nodeConnectTimeout)
        return ClusterPool(
            template: template, router: router,
            seedLink: ClusterLink(node: seed, session: session, announced: router.map.names[seed]),
            report: report)
    }

    private static func describe(_ map: SlotMap) -> String {
        let replicas = map.shards.reduce(0) { $0 + $1.replicas.count }
        var text = "\(map.masters.count) masters, \(replicas) replicas"
        if map.coveredSlots < HashSlot.count { text += ", \(HashSlot.count - map.coveredSlots) slots not served" }
        return text
    }

    /// The slot map from `conn` (`TopologyQuery`), waiting at most `seconds` in all.
    private static func loadMap(_ conn: Connection, seedHost: String, within seconds: Double = 5) -> Result<
        SlotMap, RcliError
    > {
        let deadline = monotonicSeconds() + seconds
        var query = TopologyQuery(seedHost: seedHost, endpoint: conn.endpoint)
        var request = query.first
        while true {
            let reply: RESPValue
            do throws(NetError) {
                reply = try conn.roundTrip(request, deadline: deadline)
            } catch {
                return query.failed(error)
            }
            switch query.take(reply) {
            case .send(let next): request = next
            case .done(let result): return result
            }
        }
    }

    /// A session for `node` (not connected): dialled at its endpoint (its IP when that is a name
    /// that does not resolve), its certificate checked against the hostname it announces.
    func session(for node: NodeAddress, readOnly: Bool) -> Session {
        template.forNode(host: node.host, port: node.port, readOnly: readOnly, announced: router.map.names[node])
    }

    /// The link for `target` (READONLY is made sure of for a replica): connected, or still
    /// connecting when its connect was started with `wait` false (that connect is the engine's
    /// to drive, and what is sent on the link meanwhile waits for the handshake). With `wait`, a
    /// link not connected is connected here, blocking.
    func link(for target: RouteTarget, wait: Bool = true, now: Double = monotonicSeconds()) throws(RcliError)
        -> ClusterLink
    {
        let link: ClusterLink
        let names = router.map.names[target.node]
        // A link made before the topology named its node (a MOVED to a new node) is made again.
        if let existing = links[target.node],
            existing.isOpenOrOpening || existing.announced == names
        {
            link = existing
        } else {
            let session = session(for: target.node, readOnly: target.replica)
            // Links connect in database 0: each command selects its own (`ClusterTransport.ensureDatabase`),
            // so a SELECT still in flight (or refused) never fails a new link's handshake.
            session.database = 0
            link = ClusterLink(node: target.node, session: session, announced: names)
            links[target.node] = link
        }
        if target.replica && !link.session.readsFromReplicas {
            link.session.apply(.readOnly(true))
            if link.isOpenOrOpening {
                link.send([Array("READONLY".utf8)], for: nil, now: monotonicSeconds())
            }
        }
        if let conn = link.connection, !link.isBusy, !conn.hasPendingOutput, !conn.isOpen {
            // Closed while idle (the node died or timed the connection out): writing to it would
            // leave the command's fate unknown; a fresh connect either works or fails cleanly.
            _ = link.abandon()
        }
        if !link.isOpenOrOpening {
            // The handshake selects the session's database (0 for nodes, the seed's `-n` for it).
            if wait {
                do throws(RcliError) { try link.session.connect() } catch { throw error }
                link.selectedDatabase = link.session.database
            } else {
                let connect = try connector(link.session)
                link.selectedDatabase = link.session.database
                link.connecting = connect
                do throws(RcliError) {
                    if try connect.start(now: now) { link.connected(now: now) }
                } catch {
                    // Failed at once (an address no route leads to, a refused local connect):
                    // the link is left unconnected, not connecting for ever.
                    link.connecting = nil
                    throw error
                }
            }
        }
        return link
    }

    /// The link to `node`, if one was made.
    func existingLink(_ node: NodeAddress) -> ClusterLink? {
        links[node]
    }

    /// Every link (connected or not).
    var allLinks: Dictionary<NodeAddress, ClusterLink>.Values { links.values }

    /// Records a state change a command made (AUTH, HELLO, CLIENT SETNAME, READONLY) for every
    /// node: future connections get it in their handshake, open ones get the command replayed.
    func apply(_ change: SessionChange, args: [[UInt8]], servedBy node: NodeAddress) {
        template.apply(change)
        for link in links.values {
            link.session.apply(change)
            if link.node != node && link.isOpenOrOpening {
                link.send(args, for: nil, now: monotonicSeconds())
            }
        }
    }

    /// Starts a reload of the slot map when one is wanted (at most every 100 ms), or takes the
    /// one under way further with what the wait found (`ready`, nil: only time passed). True
    /// when a new map was installed. The reload asks the best node that answers
    /// (`TopologyReload`), from the engine's wait loop: nothing here blocks.
    func reloadIfWanted(now: Double, ready: ReadySet? = nil) -> Bool {
        if let reload {
            let readiness = ready.map { reloadWatch.readiness($0) } ?? [:]
            guard let outcome = reload.advance(readiness, now: now) else { return false }
            return finish(outcome)
        }
        guard ready == nil, router.reloadWanted, now - lastReload >= 0.1 else { return false }
        lastReload = now
        let reload = TopologyReload(
            sources: router.reloadSources(now: now),
            makeSession: { [unowned self] node in self.session(for: node, readOnly: false) }, connector: connector,
            report: report)
        guard let outcome = reload.start(now: now) else {
            self.reload = reload
            return false
        }
        return finish(outcome)
    }

    /// True while a reload waits on a source.
    var isReloading: Bool { reload != nil }

    /// Registers the reload's descriptors; its deadline (nil when none is under way).
    func watchReload(_ reactor: Reactor) -> Double? {
        guard let reload else {
            reloadWatch.stop(in: reactor)
            return nil
        }
        reloadWatch.watch(reload.waits, in: reactor)
        return reload.nextDeadline
    }

    /// Gives the reload under way up (Ctrl-C, a new seed); a later failure wants another.
    func cancelReload() {
        reload?.cancel()
        reload = nil
    }

    private func finish(_ outcome: TopologyReload.Outcome) -> Bool {
        reload = nil
        switch outcome {
        case .loaded(let map, let node):
            router.install(map)
            reloads += 1
            report?("topology reloaded from \(node): \(Self.describe(router.map))")
            return true
        case .noneAnswered:
            router.reloadFailed()
            report?("topology reload failed: no node answered")
            return false
        }
    }

    /// `connect host port` in cluster mode: a new seed; the old links are closed.
    func reseed(host: String, port: Int) throws(RcliError) {
        cancelReload()
        for link in links.values { _ = link.abandon() }
        links.removeAll()
        guard
            let fresh = try Self.open(
                session: template.forNode(host: host, port: port, readOnly: false),
                policy: router.policy, natMap: router.natMap, report: report)
        else {
            throw RcliError.notACluster(.tcp(host: host, port: port))
        }
        router = fresh.router
        links = fresh.links
        transaction = ClusterTransaction()
        shutDown = nil
    }
}
