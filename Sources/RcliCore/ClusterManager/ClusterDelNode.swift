/// `--cluster del-node host:port node-id`: a node without slots, and (a master) without keys in
/// any database, is forgotten by every other node (its replicas are moved to the master with the
/// fewest replicas first), then reset.
enum ClusterDelNode {
    static func run(_ context: ManagerContext) -> Int32 {
        let log = context.log
        let args = context.request.args
        guard let (entry, used) = ManagerAddress.take(args), args.count == used + 1 else {
            return log.fail(ManagerAddress.invalid)
        }
        let id = args[used]
        log.info(">>> Removing node \(id) from cluster \(ManagerAddress.text(entry))")
        let cluster = ManagedCluster(template: context.template, log: log)
        defer { cluster.close() }
        guard cluster.load(from: entry) else { return 1 }
        guard let victim = cluster.node(id: id) else {
            log.err("[ERR] No such node ID \(id)")
            return 1
        }
        guard victim.slotCount == 0 else {
            log.err("[ERR] Node \(ManagerAddress.text(victim.address)) is not empty! Reshard data away and try again.")
            return 1
        }
        // A master without slots may still hold keys (in any database: Valkey 9 numbered
        // databases) in slots it no longer serves; removing it would lose them.
        if victim.isMaster {
            switch cluster.keyspace(of: victim) {
            case .failure(let error):
                log.err("[ERR] \(error.text); the node was not removed.")
                return 1
            case .success(let keys) where !keys.isEmpty:
                let held = keys.keys.sorted().map { "db \($0): \(keys[$0] ?? 0)" }.joined(separator: ", ")
                log.err(
                    "[ERR] Node \(ManagerAddress.text(victim.address)) is not empty! It serves no slot but holds keys "
                        + "(\(held)); move or delete them and try again.")
                return 1
            case .success:
                break
            }
        }
        log.info(">>> Sending CLUSTER FORGET messages to the cluster...")
        for node in cluster.nodes where node.id != victim.id {
            if node.masterID == victim.id {
                // Its replicas follow another master (never the one being removed).
                guard
                    let master = cluster.masters.filter({ $0.id != victim.id }).min(by: {
                        $0.replicaCount < $1.replicaCount
                    })
                else { continue }
                log.info(
                    ">>> \(ManagerAddress.text(node.address)) as replica of \(ManagerAddress.text(master.address))")
                if case .error(let e) = cluster.call(node, ["CLUSTER", "REPLICATE", master.id]) {
                    log.replied(node.address, e)
                    return 1
                }
            }
            // A node that never heard of it (gossip had not reached it yet) has nothing to forget.
            if case .error(let e) = cluster.call(node, ["CLUSTER", "FORGET", victim.id]),
                !e.starts(with: Array("ERR Unknown node".utf8))
            {
                log.replied(node.address, e)
                return 1
            }
        }
        log.info(">>> Sending CLUSTER RESET SOFT to the deleted node.")
        if case .error(let e) = cluster.call(victim, ["CLUSTER", "RESET", "SOFT"]) {
            log.replied(victim.address, e)
            return 1
        }
        return 0
    }
}
