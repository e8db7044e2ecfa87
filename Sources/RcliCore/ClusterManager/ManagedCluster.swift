import Cluster
import RESP
import RedisNet

/// A cluster as the manager loads it: the entry node's `CLUSTER NODES`, then every other node's
/// own view of itself (its slots and open-slot markers), each reached with the run's credentials
/// and TLS settings (a node's certificate is checked against the name it is reached by).
final class ManagedCluster {
    /// The nodes, the entry node first, then in the entry node's order.
    private(set) var nodes: [ManagerNode] = []
    /// Masters the entry node knows but that could not be loaded.
    private(set) var unreachableMasters = 0
    /// Each loaded node's whole `CLUSTER NODES` as read at load, by node id (check compares them
    /// before asking again).
    private(set) var views: [String: NodesView] = [:]
    /// `INFO keyspace` replies asked along with the views (`load(from:prefetchKeyspace:)`), by
    /// node id, for `keyCounts` to read instead of asking.
    var prefetchedKeyspace: [String: RESPValue] = [:]
    private(set) var sessions: [String: Session] = [:]
    /// Connections to a node's other databases (`id/db`), each SELECTed when it was opened.
    private var databaseSessions: [String: Session] = [:]
    /// How each node serves numbered databases, asked once per run (`databaseMode(of:)`).
    var databaseModes: [String: DatabaseMode] = [:]
    /// Each node's `INFO server` text, asked once per run (`serverInfo(of:)`).
    var serverInfos: [String: String] = [:]
    /// The atomic slot migration jobs read once per run (`migrationJobs()`).
    var migrationJobsRead: [SlotMigrationJob]?
    let template: Session
    let log: ManagerLog

    init(template: Session, log: ManagerLog) {
        self.template = template
        self.log = log
    }

    /// A session for `address` (not yet connected), in database 0 whatever `-n` says (as
    /// redis-cli): the manager picks databases itself (`session(for:database:)`);
    /// `announced`: the node's hostname and IP.
    func session(for address: NodeAddress, announced: NodeNames? = nil) -> Session {
        let s = template.forNode(
            host: address.host, port: address.port, readOnly: false,
            connectTimeout: template.settings.connectTimeout ?? 5, announced: announced)
        s.database = 0
        return s
    }

    /// A session for `node` (not yet connected): dialled at its address (its IP when that is a
    /// name that does not resolve), its certificate checked against the hostname it announces.
    func session(for node: ManagerNode) -> Session {
        session(
            for: node.address, announced: NodeNames(endpoint: node.address.host, hostname: node.hostname, ip: node.ip))
    }

    /// The session `node`'s database `database` is reached with: its usual one for database 0,
    /// else a connection of its own that SELECTs it when it opens (so no command can run in the
    /// wrong database after a refused SELECT).
    func session(for node: ManagerNode, database: Int) -> Session {
        if database == 0 { return sessions[node.id] ?? session(for: node) }
        let key = "\(node.id)/\(database)"
        if let s = databaseSessions[key] { return s }
        let s = session(for: node)
        s.database = database
        databaseSessions[key] = s
        return s
    }

    func connected(_ session: Session) throws(RcliError) -> Connection {
        if let conn = session.connection { return conn }
        return try session.connect()
    }

    /// The session a loaded node is reached with.
    func existingSession(_ node: ManagerNode) -> Session? { sessions[node.id] }

    /// Sends `args` to `node` and returns the reply (a connection problem is an error reply).
    func call(_ node: ManagerNode, _ args: [String], seconds: Double = 60) -> RESPValue {
        call(sessions[node.id] ?? session(for: node), args, seconds: seconds)
    }

    func call(_ session: Session, _ args: [String], seconds: Double = 60) -> RESPValue {
        callBytes(session, args.map { Array($0.utf8) }, seconds: seconds)
    }

    /// `node`'s reply to binary arguments (MIGRATE's keys).
    func callBytes(_ node: ManagerNode, _ args: [[UInt8]], seconds: Double = 60) -> RESPValue {
        callBytes(sessions[node.id] ?? session(for: node), args, seconds: seconds)
    }

    /// The same with binary arguments (FUNCTION RESTORE's payload).
    func callBytes(_ session: Session, _ args: [[UInt8]], seconds: Double = 60) -> RESPValue {
        do throws(RcliError) {
            let conn = try connected(session)
            do throws(NetError) {
                return try conn.roundTrip(args, deadline: monotonicSeconds() + seconds)
            } catch {
                session.disconnect()
                return .error(Array(error.description.utf8))
            }
        } catch {
            return .error(Array(error.text.utf8))
        }
    }

    /// Sends `commands` to `node` pipelined (written in batches, replies read as they come);
    /// a connection problem ends the list early.
    func pipeline(_ node: ManagerNode, _ commands: [[String]], seconds: Double = 60) -> [RESPValue] {
        pipelineBytes(node, commands.map { $0.map { Array($0.utf8) } }, seconds: seconds)
    }

    /// The same with binary arguments (MIGRATE batches).
    func pipelineBytes(_ node: ManagerNode, _ commands: [[[UInt8]]], seconds: Double = 60) -> [RESPValue] {
        let session = sessions[node.id] ?? self.session(for: node)
        var replies: [RESPValue] = []
        replies.reserveCapacity(commands.count)
        do throws(RcliError) {
            let conn = try connected(session)
            let deadline = monotonicSeconds() + seconds
            do throws(NetError) {
                var next = 0
                while replies.count < commands.count {
                    // At most 1,000 unanswered, so neither side's buffers grow without bound.
                    while next < commands.count && next - replies.count < 1000 {
                        conn.enqueue(commands[next])
                        next += 1
                    }
                    try conn.flush(wait: true)
                    replies.append(try conn.nextValue(deadline: deadline))
                }
            } catch {
                session.disconnect()
            }
        } catch {}
        return replies
    }

    /// Loads the cluster through `entry`; false (after saying why) when it cannot. One round trip
    /// to the entry node (is it a cluster node, its view, the endpoints it prefers), then one to
    /// every other node at once, each asked as soon as it is connected so the nodes answer while
    /// the rest connect. `prefetchKeyspace`: every master (as the entry node sees it) is asked
    /// `INFO keyspace` in the same round (`keyCounts` reads those answers). `loaded` is called
    /// with each node as soon as it is loaded, in the order of `nodes` (call starts its command
    /// there while the later nodes' views are still being read).
    func load(
        from entry: NodeAddress, prefetchKeyspace: Bool = false, loaded: ((ManagerNode, Session) -> Void)? = nil
    ) -> Bool {
        nodes = []
        views = [:]
        prefetchedKeyspace = [:]
        unreachableMasters = 0
        let first = session(for: entry)
        do throws(RcliError) {
            _ = try first.connect()
        } catch {
            _ = log.fail(Self.connectError(error, entry))
            return false
        }
        var asked = [Self.infoCluster] + NodesView.request + [Self.clusterShards]
        if prefetchKeyspace { asked.append(Self.infoKeyspace) }
        let answer = pipelineMany(sessions: [(first, asked)], seconds: 60)[0]
        let lost = RESPValue.error(Array((answer.error ?? "the connection was lost").utf8))
        let replies = answer.replies + Array(repeating: lost, count: asked.count - answer.replies.count)
        guard isClusterNode(replies[0], entry) else { return false }
        // A refusal (an ACL's NOPERM, LOADING) is not a view: nothing to load.
        guard let view = NodesView(reply: replies[1]), view.ownLineBytes != nil else {
            log.err("[ERR] Unable to load info for node \(ManagerAddress.text(entry))")
            return false
        }
        // The endpoint each node prefers clients to use (CLUSTER SHARDS, Redis 7): its IP unless
        // the cluster prefers the hostnames it announces. Without it, IPs, as redis-cli.
        let endpoints = Topology.endpoints(fromShards: replies[2])
        var others: [ManagerNode] = []
        var ownSeen = false
        for line in view.lineSlices {
            guard var node = ManagerNode.parse(line) else { continue }
            if !ownSeen && NodesView.isOwn(line) {
                ownSeen = true
                // The entry node is reached the way the user named it.
                node.address = entry
                sessions[node.id] = first
                views[node.id] = view
                if prefetchKeyspace { prefetchedKeyspace[node.id] = replies[3] }
                nodes.append(node)
                loaded?(node, first)
            } else {
                if let endpoint = endpoints[node.id] { node.address.host = endpoint }
                others.append(node)
            }
        }
        // Each node connected and asked in turn (a refusal is said as it happens), the answers
        // read once every node has been asked: one round trip for the whole cluster.
        var reached: [(friend: ManagerNode, session: Session, connection: Connection?, prefetched: Bool)] = []
        for friend in others {
            if friend.flags.contains(where: { ["fail", "noaddr", "handshake"].contains($0) }) {
                if friend.isMaster { unreachableMasters += 1 }
                continue
            }
            let s = session(for: friend)
            do throws(RcliError) {
                _ = try s.connect()
            } catch {
                _ = log.fail(Self.connectError(error, friend.address))
                if friend.isMaster { unreachableMasters += 1 }
                continue
            }
            let prefetch = prefetchKeyspace && friend.isMaster
            let sent = try? send(s, prefetch ? NodesView.request + [Self.infoKeyspace] : NodesView.request).get()
            reached.append((friend, s, sent, prefetch))
        }
        let deadline = monotonicSeconds() + 60
        for (friend, s, conn, prefetched) in reached {
            let answer = conn.map { receive(s, $0, count: prefetched ? 2 : 1, deadline: deadline) }
            guard let own = NodesView(reply: answer?.replies.first),
                let line = own.ownLineBytes,
                var node = ManagerNode.parse(line)
            else {
                log.err("[ERR] Unable to load info for node \(ManagerAddress.text(friend.address))")
                if friend.isMaster { unreachableMasters += 1 }
                continue
            }
            node.address = friend.address
            sessions[node.id] = s
            views[node.id] = own
            if prefetched, let replies = answer?.replies, replies.count > 1 { prefetchedKeyspace[node.id] = replies[1] }
            nodes.append(node)
            loaded?(node, s)
        }
        var followers: [String: Int] = [:]
        for node in nodes { if let m = node.masterID { followers[m, default: 0] += 1 } }
        for i in nodes.indices { nodes[i].replicaCount = followers[nodes[i].id] ?? 0 }
        let known = Set(nodes.map(\.id))
        for node in nodes where !node.isMaster {
            if let m = node.masterID, !known.contains(m) {
                log.warn(
                    "*** WARNING: \(ManagerAddress.text(node.address)) claims to be \(Voice.current.replica) of "
                        + "unknown node ID \(m).")
            }
        }
        return true
    }

    static let infoCluster = ["INFO", "cluster"].map { Array($0.utf8) }
    static let infoKeyspace = ["INFO", "keyspace"].map { Array($0.utf8) }
    static let clusterShards = ["CLUSTER", "SHARDS"].map { Array($0.utf8) }
    static let clusterInfo = ["CLUSTER", "INFO"].map { Array($0.utf8) }

    var masters: [ManagerNode] { nodes.filter(\.isMaster) }

    /// `MIGRATE host port "" db timeout [COPY] [REPLACE] [AUTH ...] KEYS k...` moving `keys` to
    /// the same database `db` of `target` (`copy` only from import, which may keep the source's
    /// keys). MIGRATE reads the keys from the database its connection has selected. The host is
    /// the target's IP where known: the server dials it, and may not resolve the names clients use.
    func migrateArguments(
        _ keys: [[UInt8]], to target: ManagerNode, database db: Int = 0, request: ClusterManagerRequest,
        copy: Bool = false
    ) -> [[UInt8]] {
        let host = target.ip.isEmpty ? target.address.host : target.ip
        var args: [[UInt8]] = [
            Array("MIGRATE".utf8), Array(host.utf8), Array("\(target.address.port)".utf8), [],
            Array("\(db)".utf8), Array("\(request.timeout)".utf8),
        ]
        if copy { args.append(Array("COPY".utf8)) }
        if request.replace { args.append(Array("REPLACE".utf8)) }
        args += authArguments()
        args.append(Array("KEYS".utf8))
        return args + keys
    }

    /// MIGRATE's `AUTH password` / `AUTH2 user password` for the run's credentials.
    private func authArguments() -> [[UInt8]] {
        guard let password = template.password else { return [] }
        if let user = template.settings.user {
            return [Array("AUTH2".utf8), Array(user.utf8), Array(password.utf8)]
        }
        return [Array("AUTH".utf8), Array(password.utf8)]
    }

    /// True when `session`'s node is a cluster node that knows no other node and has no key in
    /// any database (what create and add-node need; redis-cli looks at database 0, the only one
    /// before Valkey 9's numbered databases); otherwise says which and returns false.
    func isEmptyClusterNode(_ session: Session, _ address: NodeAddress) -> Bool {
        let asked = [Self.infoCluster, Self.infoKeyspace, Self.clusterInfo]
        return isEmptyClusterNode(asked.map { callBytes(session, $0) }, address)
    }

    /// The same from the node's replies to `INFO cluster`, `INFO keyspace` and `CLUSTER INFO`.
    func isEmptyClusterNode(_ replies: [RESPValue], _ address: NodeAddress) -> Bool {
        guard replies.count == 3, isClusterNode(replies[0], address) else { return false }
        let keyspace = Self.keyspace(replies[1].text ?? "")
        let known = replies[2].text ?? ""
        guard keyspace.isEmpty, Self.field(known, "cluster_known_nodes") == "1" else {
            let db = keyspace[0] != nil ? 0 : keyspace.keys.min() ?? 0
            log.err(
                "[ERR] Node \(ManagerAddress.text(address)) is not empty. Either the node already knows other nodes "
                    + "(check with CLUSTER NODES) or contains some key in database \(db).")
            return false
        }
        return true
    }

    /// True when the node whose reply to `INFO cluster` is `reply` runs in cluster mode;
    /// otherwise says so (or, when it answered with an error such as NOAUTH, gives that error)
    /// and returns false.
    func isClusterNode(_ reply: RESPValue, _ address: NodeAddress) -> Bool {
        if case .error(let e) = reply {
            log.replied(address, e)
            return false
        }
        guard Self.field(reply.text ?? "", "cluster_enabled") == "1" else {
            log.err("[ERR] Node \(ManagerAddress.text(address)) is not configured as a cluster node.")
            return false
        }
        return true
    }

    /// A connection failure's text, naming the node when the text does not (AUTH failures).
    static func connectError(_ error: RcliError, _ address: NodeAddress) -> String {
        let text = error.text
        let name = ManagerAddress.text(address)
        return text.contains(name) || text.contains("\(address.host):\(address.port)") ? text : "Node \(name): " + text
    }

    /// True for errors a node gives while the cluster settles (retried for a while).
    static func isTransient(_ error: [UInt8]) -> Bool {
        error.firstRange(of: Array("CLUSTERDOWN".utf8)) != nil || error.firstRange(of: Array("TRYAGAIN".utf8)) != nil
    }

    /// A `name:value` field of an INFO-style text.
    static func field(_ text: String, _ name: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix(name + ":") {
            return String(line.dropFirst(name.count + 1))
        }
        return nil
    }

    /// The node with `id` (case-insensitive, whole id).
    func node(id: String) -> ManagerNode? {
        nodes.first { $0.id.lowercased() == id.lowercased() }
    }

    /// Replaces a node's record (after a change the manager made).
    func update(_ node: ManagerNode) {
        if let i = nodes.firstIndex(where: { $0.id == node.id }) { nodes[i] = node }
    }

    /// Closes every connection.
    func close() {
        for s in sessions.values { s.disconnect() }
        for s in databaseSessions.values { s.disconnect() }
    }

    /// Drops `node`'s usual connection (the next command opens a new one, in database 0).
    func disconnect(_ node: ManagerNode) {
        sessions[node.id]?.disconnect()
    }
}
