import Cluster
import RESP
import RedisNet

@testable import RcliCore

/// A cluster of scripted nodes in memory, for driving `ClusterTransport` without sockets: the
/// pool's links and topology reloads connect through `connector`, which hands each session a
/// `Connection` over a `ScriptedStream` to its node (or refuses, or never answers, as planned).
/// A node answers GET with `key@port`, MGET with those, DEL with the count of its keys, CLUSTER
/// SHARDS with `shards`, anything else with OK, unless its `script` says otherwise.
final class ScriptedCluster {
    /// How a connect to a node goes.
    enum ConnectPlan {
        /// Connected and handshaken at once.
        case succeeds
        /// Refused at once.
        case refused
        /// Never answers: fails at the session's connect timeout.
        case hangs
        /// Connected and handshaken after this many seconds.
        case slow(Double)
    }

    /// What a node does with one command.
    enum Answer {
        case reply(RESPValue)
        /// Says nothing.
        case silent
        /// Closes the connection.
        case close
    }

    /// Who serves which slots: what CLUSTER SHARDS says.
    var shards: [(master: NodeAddress, slots: ClosedRange<Int>)]
    /// A node's own answers (nil: the default one), given the command and how many it was sent.
    var script: [NodeAddress: (_ args: [String], _ count: Int) -> Answer?] = [:]
    /// Connect plans (the default: `.succeeds`).
    var connects: [NodeAddress: ConnectPlan] = [:]
    /// Nodes whose answers are kept back until `release`.
    private var holding: Set<NodeAddress> = []
    /// Every command each node was sent, in order, over all its connections.
    private(set) var received: [NodeAddress: [[String]]] = [:]
    /// Connects tried per node.
    private(set) var connectAttempts: [NodeAddress: Int] = [:]
    private var streams: [NodeAddress: [ScriptedStream]] = [:]
    private var nextDescriptor: Int32 = -2

    init(_ shards: [(master: NodeAddress, slots: ClosedRange<Int>)]) {
        self.shards = shards
    }

    /// The commands `node` was sent, as lines (`GET k`).
    func lines(_ node: NodeAddress) -> [String] {
        (received[node] ?? []).map { $0.joined(separator: " ") }
    }

    /// CLUSTER SHARDS as the nodes say it (RESP2: flat field lists).
    var shardsReply: RESPValue {
        func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }
        return .array(
            shards.map { shard in
                .array([
                    bulk("slots"),
                    .array([.integer(Int64(shard.slots.lowerBound)), .integer(Int64(shard.slots.upperBound))]),
                    bulk("nodes"),
                    .array([
                        .array([
                            bulk("port"), .integer(Int64(shard.master.port)), bulk("endpoint"), bulk(shard.master.host),
                            bulk("role"), bulk("master"), bulk("health"), bulk("online"),
                        ])
                    ]),
                ])
            })
    }

    /// The slot map the shards make (read back through `TopologyQuery`, as the pool reads it).
    var map: SlotMap {
        var query = TopologyQuery(seedHost: "127.0.0.1", endpoint: .tcp(host: "127.0.0.1", port: 1))
        guard case .done(.success(let map)) = query.take(shardsReply) else { return SlotMap(shards: []) }
        return map
    }

    /// A key whose slot `node` serves (`prefix` and a number).
    func key(on node: NodeAddress, _ prefix: String = "k") -> String {
        let range = shards.first { $0.master == node }?.slots ?? 0...0
        var i = 0
        while !range.contains(HashSlot.slot(Array("\(prefix)\(i)".utf8))) { i += 1 }
        return "\(prefix)\(i)"
    }

    /// Keeps `node`'s answers back (its commands are written, their replies owed).
    func hold(_ node: NodeAddress) {
        holding.insert(node)
    }

    /// Sends what `node` kept back, and answers at once from now on.
    func release(_ node: NodeAddress) {
        holding.remove(node)
        for stream in streams[node] ?? [] { stream.release() }
    }

    /// `node` closes its connections (and refuses new ones).
    func kill(_ node: NodeAddress) {
        connects[node] = .refused
        for stream in streams[node] ?? [] { stream.closeByPeer() }
    }

    /// The connect of `session` (to the node its settings name), as planned.
    func connector(_ session: Session) throws(RcliError) -> any SessionConnecting {
        ScriptedConnect(cluster: self, session: session)
    }

    fileprivate func dial(_ node: NodeAddress) -> ConnectPlan {
        connectAttempts[node, default: 0] += 1
        return connects[node] ?? .succeeds
    }

    fileprivate func open(_ node: NodeAddress) -> ScriptedStream {
        let stream = ScriptedStream(descriptor: nextDescriptor) { [unowned self] args, stream in
            self.take(args, at: node, on: stream)
        }
        nextDescriptor -= 1
        streams[node, default: []].append(stream)
        return stream
    }

    private func take(_ args: [String], at node: NodeAddress, on stream: ScriptedStream) {
        received[node, default: []].append(args)
        let count = received[node]?.count ?? 0
        switch script[node]?(args, count) ?? .reply(defaultAnswer(args, at: node)) {
        case .reply(let value): stream.answer(value, holding: holding.contains(node))
        case .silent: break
        case .close: stream.closeByPeer()
        }
    }

    private func defaultAnswer(_ args: [String], at node: NodeAddress) -> RESPValue {
        let keys = args.dropFirst()
        switch (args.first ?? "").lowercased() {
        case "get": return .bulkString(Array("\(keys.first ?? "")@\(node.port)".utf8))
        case "mget": return .array(keys.map { .bulkString(Array("\($0)@\(node.port)".utf8)) })
        case "del": return .integer(Int64(keys.count))
        case "cluster" where keys.first?.lowercased() == "shards": return shardsReply
        default: return .simpleString(Array("OK".utf8))
        }
    }
}

/// A connect to a scripted node (`ScriptedCluster.connector`).
private final class ScriptedConnect: SessionConnecting {
    private let cluster: ScriptedCluster
    private let session: Session
    private let node: NodeAddress
    private var deadline: Double?

    init(cluster: ScriptedCluster, session: Session) {
        self.cluster = cluster
        self.session = session
        node = NodeAddress(host: session.settings.host, port: session.settings.port)
    }

    private var connectsAtDeadline = false

    func start(now: Double) throws(RcliError) -> Bool {
        switch cluster.dial(node) {
        case .succeeds:
            connect(now: now)
            return true
        case .refused:
            throw .connect(.connect(session.endpoint, reason: "Connection refused"))
        case .hangs:
            deadline = now + (session.settings.connectTimeout ?? 3)
            return false
        case .slow(let seconds):
            deadline = now + seconds
            connectsAtDeadline = true
            return false
        }
    }

    private func connect(now: Double) {
        var lifecycle = LinkLifecycle(timing: LinkLifecycle.Timing(connectTimeout: nil))
        _ = lifecycle.resolved(count: 1, now: now)
        _ = lifecycle.dialSucceeded(0, handshakeReplies: 0, now: now)
        session.adopt(Connection(endpoint: session.endpoint, stream: cluster.open(node)), lifecycle: lifecycle)
    }

    var waits: [(fd: Int32, interest: Interest)] { [] }

    var nextDeadline: Double? { deadline }

    func advance(_ ready: [Int32: Readiness], now: Double) throws(RcliError) -> Bool {
        guard let deadline, deadline <= now else { return false }
        guard connectsAtDeadline else { throw .connect(.connect(session.endpoint, reason: "Connection timed out")) }
        self.deadline = nil
        connect(now: now)
        return true
    }

    func cancel() {
        deadline = nil
    }
}
