/// `--cluster call host:port cmd args...`: the command on every node (or only masters or
/// replicas), each reply printed raw after the node's address. Exit status 0, as redis-cli.
enum ClusterCall {
    static func run(_ context: ManagerContext) -> Int32 {
        guard let (cluster, _) = context.loadCluster(), let (_, used) = ManagerAddress.take(context.request.args)
        else { return 1 }
        defer { cluster.close() }
        let command = Array(context.request.args.dropFirst(used))
        guard !command.isEmpty else {
            return context.log.fail("[ERR] Wrong number of arguments for specified --cluster sub command")
        }
        context.log.info(">>> Calling \(command.joined(separator: " "))")
        let formatter = Formatters.make(.raw)
        let called = cluster.nodes.filter { node in
            !(context.request.onlyMasters && !node.isMaster) && !(context.request.onlyReplicas && node.isMaster)
        }
        // Every node at once: one round trip for the cluster. Each reply is printed as soon as it
        // and those before it are in (redis-cli's order, redis-cli's pace at worst).
        let args = command.map { Array($0.utf8) }
        _ = cluster.pipelineMany(inDatabases: called.map { ($0, 0, [args]) }) { i, answer in
            // A node not reached (or lost before it answered) is reported, never asked twice.
            let reply = answer.replies.first ?? .error(Array((answer.error ?? "the connection was lost").utf8))
            var text: [UInt8] = []
            formatter.format(reply, into: &text)
            if text.last == 10 { text.removeLast() }
            let failed: Bool
            if case .error(let e) = reply, e.starts(with: Array("Could not connect".utf8)) {
                failed = true
            } else {
                failed = false
            }
            context.log.plain(
                "\(ManagerAddress.text(called[i].address)): "
                    + (failed ? "Failed!" : String(decoding: text, as: UTF8.self)) + "\n")
        }
        return 0
    }
}
