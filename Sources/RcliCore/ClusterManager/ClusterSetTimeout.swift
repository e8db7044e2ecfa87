/// `--cluster set-timeout host:port ms`: `cluster-node-timeout` on every node, saved with
/// CONFIG REWRITE. Exit status 0 even when some nodes failed, as redis-cli (the last line counts
/// them).
enum ClusterSetTimeout {
    static func run(_ context: ManagerContext) -> Int32 {
        guard let (_, used) = ManagerAddress.take(context.request.args), context.request.args.count == used + 1 else {
            return context.log.fail(ManagerAddress.invalid)
        }
        guard let ms = Int(context.request.args[used]) else {
            return context.log.fail("Invalid timeout: '\(context.request.args[used])' (expected milliseconds)")
        }
        guard ms >= 100 else {
            return context.log.fail("Setting a node timeout of less than 100 milliseconds is a bad idea.")
        }
        guard let (cluster, _) = context.loadCluster() else { return 1 }
        defer { cluster.close() }
        context.log.info(">>> Reconfiguring node timeout in every cluster node...")
        var ok = 0
        var failed = 0
        for node in cluster.nodes {
            var reply = cluster.call(node, ["CONFIG", "SET", "cluster-node-timeout", "\(ms)"])
            if !reply.isError { reply = cluster.call(node, ["CONFIG", "REWRITE"]) }
            if case .error(let e) = reply {
                context.log.err(
                    "ERR setting node-timeout for \(ManagerAddress.text(node.address)): "
                        + String(decoding: e, as: UTF8.self)
                )
                failed += 1
            } else {
                context.log.warn("*** New timeout set for \(ManagerAddress.text(node.address))")
                ok += 1
            }
        }
        context.log.info(">>> New node timeout set. \(ok) OK, \(failed) ERR.")
        return 0
    }
}
