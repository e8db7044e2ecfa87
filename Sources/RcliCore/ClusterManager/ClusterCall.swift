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
        for node in cluster.nodes {
            if context.request.onlyMasters && !node.isMaster { continue }
            if context.request.onlyReplicas && node.isMaster { continue }
            let reply = cluster.call(node, command)
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
                "\(ManagerAddress.text(node.address)): " + (failed ? "Failed!" : String(decoding: text, as: UTF8.self))
                    + "\n")
        }
        return 0
    }
}
