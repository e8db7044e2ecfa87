import Cluster
import RESP
import RedisNet

/// `--cluster create host:port ... [--cluster-replicas n]`: checks every node is an empty
/// cluster node, plans masters, slots and replicas as redis-cli does (`CreatePlan`), asks, then
/// assigns slots, config epochs, joins the nodes with CLUSTER MEET, waits (bounded) for them to
/// agree, attaches the replicas and shows the check. 1 or 2 masters are allowed after a warning
/// (redis-cli demands 3).
enum ClusterCreate {
    static func run(_ context: ManagerContext) -> Int32 {
        let log = context.log
        var addresses: [NodeAddress] = []
        for word in context.request.args {
            guard let address = ManagerAddress.parse(word) else { return log.fail("Invalid address format: \(word)") }
            addresses.append(address)
        }
        let replicas = context.request.replicas
        let masterCount = CreatePlan.masterCount(nodes: addresses.count, replicas: replicas)
        let v = Voice.current
        guard masterCount >= 1 else {
            log.err(
                "*** ERROR: Invalid configuration for cluster creation.\n*** \(v.server) Cluster requires at least 1 "
                    + "\(v.primary) node.\n*** This is not possible with \(addresses.count) nodes and \(replicas) "
                    + "replicas per node.")
            log.err("\n*** At least \(replicas + 1) nodes are required.")
            return 1
        }
        let cluster = ManagedCluster(template: context.template, log: log)
        defer { cluster.close() }
        // Every node connected in turn and asked at once (is it an empty cluster node, its id),
        // the answers judged in node order: the first problem is the one reported, as before.
        let checks = [
            ManagedCluster.infoCluster, ManagedCluster.infoKeyspace, ManagedCluster.clusterInfo,
            ["CLUSTER", "MYID"].map { Array($0.utf8) },
        ]
        var asked: [(session: Session, connection: Connection?)] = []
        var refused: (address: NodeAddress, error: RcliError)?
        for address in addresses {
            let session = cluster.session(for: address)
            do throws(RcliError) { _ = try session.connect() } catch {
                refused = (address, error)
                break
            }
            asked.append((session, try? cluster.send(session, checks).get()))
        }
        var ids: [String] = []
        var sessions: [Session] = []
        let deadline = monotonicSeconds() + 60
        for (address, (session, connection)) in zip(addresses, asked) {
            let answer = connection.map { cluster.receive(session, $0, count: checks.count, deadline: deadline) }
            let lost = RESPValue.error(Array((answer?.error ?? "the connection was lost").utf8))
            let replies = (answer?.replies ?? []) + Array(repeating: lost, count: checks.count)
            guard cluster.isEmptyClusterNode(Array(replies[0..<3]), address) else { return 1 }
            guard let id = replies[3].text, id.count == 40 else {
                log.err("[ERR] Unable to load info for node \(ManagerAddress.text(address))")
                return 1
            }
            ids.append(id)
            sessions.append(session)
        }
        if let refused { return log.fail(ManagedCluster.connectError(refused.error, refused.address)) }
        if masterCount < 3 {
            log.warn(
                "[WARNING] \(masterCount) \(masterCount == 1 ? v.primary : v.primaries): \(v.server) Cluster needs at "
                    + "least 3 \(v.primaries) to fail over by itself. Fine for development, not for production.")
        }
        let nodes = v.isValkey ? "node(s)" : "nodes"
        log.info(">>> Performing hash slots allocation on \(addresses.count) \(nodes)...")
        var random = FastRandom()
        let hosts = addresses.map(\.host)
        let plan = CreatePlan.make(hosts: hosts, replicas: replicas, random: &random)
        for (i, range) in plan.slots.enumerated() {
            log.plain("\(v.capitalizedPrimary)[\(i)] -> Slots \(range.lowerBound) - \(range.upperBound)\n")
        }
        for (n, (replica, master)) in plan.added.enumerated() {
            if n == plan.extraPassAt { log.plain("Adding extra replicas...\n") }
            log.plain(
                "Adding replica \(ManagerAddress.text(addresses[replica])) to "
                    + "\(ManagerAddress.text(addresses[master]))\n"
            )
        }
        if plan.initialScore > 0 {
            log.info(">>> Trying to optimize \(v.replica)s allocation for anti-affinity")
            let score = plan.antiAffinity(hosts: hosts).score
            if score == 0 {
                log.ok("[OK] Perfect anti-affinity obtained!")
            } else if score >= 10000 {
                log.warn("[WARNING] Some \(v.replica)s are in the same host as their \(v.primary)")
            } else {
                log.warn("[WARNING] Some \(v.replica)s of the same \(v.primary) are in the same host")
            }
        }
        for (i, address) in addresses.enumerated() {
            if let m = plan.masters.firstIndex(of: i) {
                let range = plan.slots[m]
                log.plain(
                    "M: \(ids[i]) \(ManagerAddress.text(address))\n   slots:\(ManagerNode.rangesText([range])) "
                        + "(\(range.count) slots) master\n")
            } else if let m = plan.replicaOf[i] {
                log.plain("S: \(ids[i]) \(ManagerAddress.text(address))\n   replicates \(ids[plan.masters[m]])\n")
            } else {
                log.plain("M: \(ids[i]) \(ManagerAddress.text(address))\n   slots: (0 slots) master\n")
            }
        }
        guard context.confirm("Can I set the above configuration?") else {
            // Declining is not an error in redis-cli (exit 0); no terminal to ask on is.
            return System.isTerminal(0) ? 0 : 1
        }
        // Each step sent to every node at once; the first error, in node order, is reported.
        let slots = plan.masters.enumerated().map { m, node in
            (sessions[node], [(["CLUSTER", "ADDSLOTS"] + plan.slots[m].map { String($0) }).map { Array($0.utf8) }])
        }
        for (node, answer) in zip(plan.masters, cluster.pipelineMany(sessions: slots, seconds: 60)) {
            if let e = Self.failure(answer) {
                log.replied(addresses[node], e)
                return 1
            }
        }
        log.info(">>> Nodes configuration updated")
        log.info(">>> Assign a different config epoch to each node")
        let epochs = sessions.enumerated().map { i, session in
            (session, [["CLUSTER", "SET-CONFIG-EPOCH", "\(i + 1)"].map { Array($0.utf8) }])
        }
        _ = cluster.pipelineMany(sessions: epochs, seconds: 60)
        // Nodes given by name announce it (Redis 7.0+; older servers refuse the setting and keep
        // announcing their address), so clients and TLS checks see names, not IPs.
        let family = context.template.settings.addressFamily
        let ips = addresses.map { Socket.resolve($0.host, prefer: family) }
        for (i, session) in sessions.enumerated() where ips[i] != addresses[i].host {
            _ = cluster.call(session, ["CONFIG", "SET", "cluster-announce-hostname", addresses[i].host])
        }
        log.info(">>> Sending CLUSTER MEET messages to join the cluster")
        let first = addresses[0]
        guard let meetHost = ips[0] else {
            log.err("Invalid IP address or hostname specified: \(first.host)")
            return 1
        }
        // Every node meets the first (redis-cli's way), all at once; gossip spreads the rest. (Every
        // pair meeting directly was tried: on 60 nodes the crossing handshakes took 37 s to settle
        // against gossip's 13.)
        let meets = sessions.indices.dropFirst().map { i in
            (sessions[i], [["CLUSTER", "MEET", meetHost, "\(first.port)"].map { Array($0.utf8) }])
        }
        for (i, answer) in zip(sessions.indices.dropFirst(), cluster.pipelineMany(sessions: meets, seconds: 30)) {
            if let e = Self.failure(answer) {
                log.replied(addresses[i], e)
                return 1
            }
        }
        // While it waits, the first node meets again the nodes that lag: each MEET carries gossip
        // about other nodes, so they learn the cluster in a second or two, not one ping a second.
        var meetAgain: [Int: [[UInt8]]] = [:]
        for i in sessions.indices.dropFirst() {
            if let ip = ips[i] {
                meetAgain[i] = ["CLUSTER", "MEET", ip, "\(addresses[i].port)"].map { Array($0.utf8) }
            }
        }
        guard waitForJoin(cluster, sessions: sessions, addresses: addresses, meetAgain: meetAgain, log: log) else {
            return 1
        }
        let attached = sessions.indices.compactMap { i in
            plan.replicaOf[i].map { m in (i, [["CLUSTER", "REPLICATE", ids[plan.masters[m]]].map { Array($0.utf8) }]) }
        }
        let replies = cluster.pipelineMany(sessions: attached.map { (sessions[$0.0], $0.1) }, seconds: 60)
        for ((i, _), answer) in zip(attached, replies) {
            if let e = Self.failure(answer) {
                log.replied(addresses[i], e)
                return 1
            }
        }
        // Serving starts when each node sees the cluster as ok: wait for that (10 s at most; every
        // node asked at once), so commands sent right after create are not met with CLUSTERDOWN.
        let clusterInfo = [["CLUSTER", "INFO"].map { Array($0.utf8) }]
        var waiting = sessions
        for _ in 0..<100 {
            let answers = cluster.pipelineMany(sessions: waiting.map { ($0, clusterInfo) }, seconds: 5)
            waiting = zip(waiting, answers).filter { _, answer in
                ManagedCluster.field(answer.replies.first?.text ?? "", "cluster_state") != "ok"
            }.map(\.0)
            if waiting.isEmpty { break }
            System.sleep(seconds: 0.1)
        }
        // The check below lists the nodes as the first one sees them: give gossip a moment (5 s
        // at most) to tell it of every replica, so the listing is whole.
        for _ in 0..<50 {
            let view = NodesView(reply: cluster.call(sessions[0], ["CLUSTER", "NODES"], seconds: 5))
            let lines = view?.lines ?? []
            if lines.count >= sessions.count && !lines.contains(where: { $0.contains("handshake") }) { break }
            System.sleep(seconds: 0.1)
        }
        let checked = ManagedCluster(template: context.template, log: log)
        defer { checked.close() }
        guard checked.load(from: first) else { return 1 }
        ClusterCheck.run(checked, entry: first, context: context, quiet: false)
        return 0
    }

    /// The error a one-command answer holds: its error reply, or why the connection failed.
    static func failure(_ answer: (replies: [RESPValue], error: String?)) -> [UInt8]? {
        guard let reply = answer.replies.first else { return Array((answer.error ?? "the connection was lost").utf8) }
        if case .error(let e) = reply { return e }
        return nil
    }
}
