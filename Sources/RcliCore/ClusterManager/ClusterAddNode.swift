import Cluster
import RESP
import RedisNet

/// `--cluster add-node new existing [--cluster-slave [--cluster-master-id id]]`: checks the
/// cluster and the new node (a cluster node, empty), copies the cluster's functions to a new
/// master, joins it with CLUSTER MEET and, for a replica, waits for the join (bounded) and
/// attaches it to the given master or the one with the fewest replicas.
enum ClusterAddNode {
    static func run(_ context: ManagerContext) -> Int32 {
        let log = context.log
        let args = context.request.args
        guard let (new, used) = ManagerAddress.take(args),
            let (existing, _) = ManagerAddress.take(Array(args.dropFirst(used)))
        else { return log.fail(ManagerAddress.invalid) }
        log.info(">>> Adding node \(ManagerAddress.text(new)) to cluster \(ManagerAddress.text(existing))")
        let cluster = ManagedCluster(template: context.template, log: log)
        defer { cluster.close() }
        guard cluster.load(from: existing) else { return 1 }
        guard ClusterCheck.run(cluster, entry: existing, context: context, quiet: false).isEmpty else { return 1 }
        var master: ManagerNode?
        if context.request.replica {
            if let id = context.request.masterID {
                guard let m = cluster.node(id: id) else {
                    log.err("[ERR] No such \(Voice.current.primary) ID \(id)")
                    return 1
                }
                master = m
            } else {
                master = cluster.masters.min { $0.replicaCount < $1.replicaCount }
                if let m = master {
                    log.plain("Automatically selected \(Voice.current.primary) \(ManagerAddress.text(m.address))\n")
                }
            }
        }
        let session = cluster.session(for: new)
        do throws(RcliError) { _ = try session.connect() } catch {
            log.err("[ERR] Sorry, can't connect to node \(ManagerAddress.text(new))")
            return 1
        }
        guard cluster.isEmptyClusterNode(session, new) else { return 1 }
        guard let entry = cluster.nodes.first else { return 1 }
        if master == nil {
            log.info(">>> Getting functions from cluster")
            let dump = cluster.call(entry, ["FUNCTION", "DUMP"])
            if case .error(let e) = dump {
                log.info(
                    ">>> Failed retrieving Functions from the cluster, skip this step as \(Voice.current.server) "
                        + "version do not support function command (error = '\(String(decoding: e, as: UTF8.self))')")
            } else if case .bulkString(let payload) = dump {
                log.info(">>> Send FUNCTION LIST to \(ManagerAddress.text(new)) to verify there is no functions in it")
                if case .array(let existingFunctions) = cluster.call(session, ["FUNCTION", "LIST"]),
                    !existingFunctions.isEmpty
                {
                    log.err(
                        ">>> New node already contains functions and can not be added to the cluster. Use FUNCTION "
                            + "FLUSH and try again.")
                    return 1
                }
                log.info(">>> Send FUNCTION RESTORE to \(ManagerAddress.text(new))")
                if case .error(let e) = cluster.callBytes(
                    session, [Array("FUNCTION".utf8), Array("RESTORE".utf8), payload])
                {
                    log.err(">>> Failed to restore functions: \(String(decoding: e, as: UTF8.self))")
                    return 1
                }
            }
        }
        log.info(">>> Send CLUSTER MEET to node \(ManagerAddress.text(new)) to make it join the cluster.")
        let family = context.template.settings.addressFamily
        if Socket.resolve(new.host, prefer: family) != new.host {
            _ = cluster.call(session, ["CONFIG", "SET", "cluster-announce-hostname", new.host])
        }
        guard let meetHost = Socket.resolve(entry.address.host, prefer: family) else {
            log.err("Invalid IP address or hostname specified: \(entry.address.host)")
            return 1
        }
        if case .error(let e) = cluster.call(session, ["CLUSTER", "MEET", meetHost, "\(entry.address.port)"]) {
            log.replied(new, e)
            return 1
        }
        // Until every node knows the new one, a following add-node (a replica for it) or reshard
        // would not find it: wait for that (bounded; redis-cli returns at once).
        if let newID = cluster.call(session, ["CLUSTER", "MYID"]).text {
            for node in cluster.nodes {
                guard let nodeSession = cluster.existingSession(node) else { continue }
                if !waitUntilKnown(cluster, session: nodeSession, id: newID) { break }
            }
        }
        if let master {
            // The replica must know its master before CLUSTER REPLICATE.
            log.plain("Waiting for the cluster to join\n")
            let known = waitUntilKnown(cluster, session: session, id: master.id)
            log.plain("\n")
            guard known else {
                log.err(
                    "[ERR] \(ManagerAddress.text(new)) did not learn about "
                        + "\(ManagerAddress.text(master.address)) in time.")
                return 1
            }
            log.info(">>> Configure node as replica of \(ManagerAddress.text(master.address)).")
            if case .error(let e) = cluster.call(session, ["CLUSTER", "REPLICATE", master.id]) {
                log.replied(new, e)
                return 1
            }
        }
        log.ok("[OK] New node added correctly.")
        return 0
    }

    /// Waits (30 s at most) until the node behind `session` lists `id` in CLUSTER NODES.
    private static func waitUntilKnown(_ cluster: ManagedCluster, session: Session, id: String) -> Bool {
        for _ in 0..<300 {
            let text = cluster.call(session, ["CLUSTER", "NODES"], seconds: 5).text ?? ""
            if text.split(separator: "\n").contains(where: { $0.hasPrefix(id) && !$0.contains("handshake") }) {
                return true
            }
            System.sleep(seconds: 0.1)
        }
        return false
    }
}
