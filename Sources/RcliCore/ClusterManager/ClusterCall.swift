import RESP
import RedisNet

/// `--cluster call host:port cmd args...`: the command on every node (or only masters or
/// replicas), each reply printed raw after the node's address. Exit status 0, as redis-cli.
enum ClusterCall {
    static func run(_ context: ManagerContext) -> Int32 {
        let request = context.request
        guard let (entry, used) = ManagerAddress.take(request.args) else {
            return context.log.fail(ManagerAddress.invalid)
        }
        let command = Array(request.args.dropFirst(used))
        let args = command.map { Array($0.utf8) }
        // Each node is sent the command as soon as it is loaded (on the connection its view came
        // on), so it answers while the later nodes' views are read: the load and the calls take
        // one round trip for the cluster, not two. Replies are read and printed in node order.
        var called: [(node: ManagerNode, session: Session, connection: Connection?)] = []
        let cluster = ManagedCluster(template: context.template, log: context.log)
        defer { cluster.close() }
        let loaded = cluster.load(from: entry) { node, session in
            guard !args.isEmpty else { return }
            guard !(request.onlyMasters && !node.isMaster) && !(request.onlyReplicas && node.isMaster) else { return }
            called.append((node, session, try? cluster.send(session, [args]).get()))
        }
        guard loaded else { return 1 }
        guard !command.isEmpty else {
            return context.log.fail("[ERR] Wrong number of arguments for specified --cluster sub command")
        }
        context.log.info(">>> Calling \(command.joined(separator: " "))")
        let formatter = Formatters.make(.raw)
        let deadline = monotonicSeconds() + 60
        for (node, session, connection) in called {
            // A node not reached (or lost before it answered) is reported, never asked twice.
            let answer = connection.map { cluster.receive(session, $0, count: 1, deadline: deadline) }
            let reply =
                answer?.replies.first ?? .error(Array((answer?.error ?? "the connection was lost").utf8))
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
                "\(ManagerAddress.text(node.address)): "
                    + (failed ? "Failed!" : String(decoding: text, as: UTF8.self)) + "\n")
        }
        return 0
    }
}
